// Package chart renders SVG charts on the server: readable without
// JavaScript, printable, downloadable as .svg, and safe with hostile labels.
//
// A Chart has an X scale (Time, Linear or Band), a Linear Y scale and
// layers drawn in order: Bands, Bars (single, grouped, stacked), Area
// (stacked, for a cumulative flow diagram), Line (with gaps, or steps),
// Scatter, HLine (likelihood lines) and Markers (release tags). Render
// writes an inline <svg> for a page, Component adapts it to templ, and
// Standalone writes a .svg document. Both forms carry their look in SVG
// presentation attributes (fill, stroke, stroke-dasharray ...), never in
// style attributes or <style> elements, which the site's CSP forbids; so
// the downloaded file looks like the page. static/css/chart.css adds only
// fluid sizing and hover feedback, static/js/chart.js tooltips, zoom and
// compact-point links.
//
// # Values
//
// Every X is a float64 on its scale: T(t) for times, the category index
// on a Band scale, a number on a Linear one. A missing Y is Missing (NaN;
// Value converts a *float64): lines break there and bars are left out;
// nothing missing is ever drawn as zero. On a Time scale with a Period
// (Week, Month ...), a bar or step covers one period of the scale's
// location, so weeks stay Monday to Monday across daylight-saving changes.
//
// # What tests can rely on
//
// The root has data-testid="chart-<ID>", role="img", and aria-labelledby /
// aria-describedby pointing at its <title> and <desc>. Each layer is an
// element with data-testid="<ID>-<layer ID>": the layer's ID, else its
// name (for Bars with one series, the series'), else its kind ("bars",
// "line", "area" ...), lowercased with other characters turned to '-'. In
// a Bars layer of several series (or a series with an ID) each series adds
// "-<series ID>". Marks carry data-<key>, the X key: data-week="2025-03-03",
// data-day, data-month="2025-03", data-quarter="2025-Q2" on Time scales with
// that Period (or Time.Key), the category on Band scales, else data-x.
//
//   - bars and line points: data-value (at most two decimals), a <title>
//     child (the hover text) and data-testid="<series testid>-<x key>";
//     stacked bars add data-stack-top (the stack's height at the bar's top
//     edge, so the top bar's is the total), partial bars data-partial="true";
//   - area hover columns: data-values (one per series, comma-separated),
//     data-total and data-testid="<layer testid>-<x key>";
//   - markers: data-label and data-testid="<layer testid>-<index>"; bands:
//     data-from, data-to, data-label; reference lines: data-value;
//   - detailed scatter points: data-value, data-label (see below).
//
// The legend is data-testid="<ID>-legend", the axes "<ID>-x-axis" and
// "<ID>-y-axis". Output is deterministic: the same chart renders the same
// bytes.
//
// # Scatterplots
//
// Up to Scatter.MaxDetailed points (default 1,000), each point is a
// <circle> with data-<key>, data-value, data-label and a <title>, inside an
// <a href target="_blank" rel="noopener noreferrer"> when it has an Href:
// hover and click work without JavaScript.
//
// Above that the layer is one <path> whose dots are zero-length round
// strokes ("M x y h0 m dx dy h0 ...", sorted by X), about 11 bytes a point,
// with the data in a single-quoted data-points attribute holding JSON
// columns in path order:
//
//	{"d0":"2025-03-03", "dx":[0,0,1,...], "y":[12.5,...], "k":["1234",...], "h":[...]}
//
// On a Time scale, d0 is the first point's date and dx the steps in days
// from one point's date to the next (dates in the scale's zone); on other
// scales an "x" column holds each point's X key instead. y holds values,
// k labels without the common prefix given in data-label-prefix. Links:
// with data-href-from="label", a point's link is data-href-prefix + its
// full label (the usual <JIRA>/browse/<KEY>) and no h column is written;
// otherwise h holds each link after data-href-prefix (null for none).
// Per-point Titles are dropped in this form; instead, Scatter.Details (a
// same-site path, written as data-details) names a JSON object of full
// label -> [text after the label, more lines...] that chart.js fetches on
// the first hover and shows as text (a quarterly view's summaries and
// blocked times, served with the view's query). 20,000 linked points with a
// legend, quarter lines and tags take about 0.5 MB. JSON in an attribute
// rather than a <script type="application/json"> block keeps the rule "no
// <script> in a chart" absolute, and the attribute is escaped like any
// other.
//
// # Zoom
//
// With Chart.Zoom set, the root carries data-zoom, data-zoom-params,
// data-plot (the plot rectangle in viewBox units), data-x-kind,
// data-x-domain and data-y-domain (seconds since the epoch on Time scales)
// and data-x-tz (the zone's offset at the domain start). chart.js turns a
// drag into query parameters and navigates; the handler parses them into
// Linear.Min/Max and Time.From/To.
//
// # Escaping
//
// All text (titles, labels, series names, hover text) goes through one
// escaper: '&', '<', '>' and the enclosing quote are escaped, characters XML
// forbids are dropped, invalid UTF-8 becomes U+FFFD. Element and attribute
// names never come from data; ids and classes are reduced to [a-z0-9_-];
// links must be http(s) or relative. FuzzLabel checks that any label
// leaves the document well-formed with no <script> element and no on*
// attribute.
package chart
