// Chart interactions for the SVG charts of web/chart: hover tooltips,
// drag-to-zoom that rewrites the URL, and links on compact scatter points.
// Charts are complete without it (titles give native tooltips, detailed
// scatter points are plain links). No framework, no inline handlers: the
// page's CSP allows only same-origin scripts. Text is only ever set with
// textContent, so labels from JIRA stay inert.
(function () {
  "use strict";

  var tip = null;
  var drag = null;
  var suppressClick = false;

  function tipEl() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "chart-tip";
      tip.setAttribute("role", "tooltip");
      tip.setAttribute("data-testid", "chart-tip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function showTip(text, ev) {
    var t = tipEl();
    if (t.textContent !== text) t.textContent = text;
    t.hidden = false;
    var de = document.documentElement;
    var x = ev.pageX + 14, y = ev.pageY + 16;
    var w = t.offsetWidth, h = t.offsetHeight;
    if (x + w > window.scrollX + de.clientWidth - 6) x = ev.pageX - w - 12;
    if (y + h > window.scrollY + de.clientHeight - 6) y = ev.pageY - h - 12;
    // CSSOM writes are allowed under style-src 'self' (attributes are not).
    t.style.left = Math.max(window.scrollX + 4, x) + "px";
    t.style.top = Math.max(window.scrollY + 4, y) + "px";
  }

  function hideTip() {
    hover = null;
    if (tip) tip.hidden = true;
  }

  function chartOf(el) {
    return el && el.closest ? el.closest("svg.chart") : null;
  }

  // svgPoint converts a mouse event to the chart's viewBox coordinates.
  function svgPoint(svg, ev) {
    var m = svg.getScreenCTM();
    if (!m) return null;
    var p = svg.createSVGPoint();
    p.x = ev.clientX;
    p.y = ev.clientY;
    return p.matrixTransform(m.inverse());
  }

  // titleText finds the nearest element with a <title> child, from el up to
  // the chart. The title moves to data-tip so the browser's own tooltip does
  // not show as well.
  function titleText(el, svg) {
    for (; el && el !== svg; el = el.parentNode) {
      if (el.nodeType !== 1) continue;
      if (el.hasAttribute("data-tip")) return el.getAttribute("data-tip");
      var c = el.firstElementChild;
      if (c && c.localName === "title") {
        el.setAttribute("data-tip", c.textContent);
        el.removeChild(c);
        return el.getAttribute("data-tip");
      }
    }
    return null;
  }

  // Compact scatter layers: one <path> of dots ("M x y h0 m dx dy h0 ...")
  // and their data as JSON columns in data-points (see web/chart/doc.go).
  function compact(path) {
    if (path._chartPts) return path._chartPts;
    var nums = (path.getAttribute("d") || "").match(/-?(?:\d+\.?\d*|\.\d+)/g) || [];
    var xs = [], ys = [], x = 0, y = 0;
    for (var i = 0; i + 2 < nums.length; i += 3) {
      if (i === 0) {
        x = +nums[0];
        y = +nums[1];
      } else {
        x += +nums[i];
        y += +nums[i + 1];
      }
      xs.push(x);
      ys.push(y);
    }
    var data = {};
    try {
      data = JSON.parse(path.getAttribute("data-points") || "{}") || {};
    } catch (e) {
      data = {};
    }
    path._chartPts = { xs: xs, ys: ys, data: data, r: (+path.getAttribute("stroke-width") || 6) / 2 };
    return path._chartPts;
  }

  function nearestPoint(svg, ev) {
    var paths = svg.querySelectorAll(".chart-pts");
    if (!paths.length) return null;
    var p = svgPoint(svg, ev);
    if (!p) return null;
    var best = null, bd = Infinity;
    for (var k = 0; k < paths.length; k++) {
      var pts = compact(paths[k]);
      var lim = (pts.r + 3) * (pts.r + 3);
      for (var i = 0; i < pts.xs.length; i++) {
        var dx = pts.xs[i] - p.x, dy = pts.ys[i] - p.y, d2 = dx * dx + dy * dy;
        if (d2 <= lim && d2 < bd) {
          bd = d2;
          best = { path: paths[k], i: i, x: pts.xs[i], y: pts.ys[i], r: pts.r };
        }
      }
    }
    return best;
  }

  function col(data, name, i) {
    return data[name] && data[name][i] !== undefined ? data[name][i] : null;
  }

  function pointLabel(n) {
    var d = compact(n.path).data, k = col(d, "k", n.i);
    return k === null ? "" : (n.path.getAttribute("data-label-prefix") || "") + k;
  }

  // pointX is the point's date ("3 Mar 2025" in the reader's locale) on
  // time scales, where the data holds day steps from d0, else its X key.
  function pointX(n) {
    var pts = compact(n.path), d = pts.data;
    if (d.x) return col(d, "x", n.i);
    if (typeof d.d0 !== "string" || !d.dx) return null;
    if (!pts.dates) {
      var p = d.d0.split("-").map(Number), t = Date.UTC(p[0], p[1] - 1, p[2]);
      pts.dates = [];
      for (var i = 0; i < d.dx.length; i++) {
        t += (+d.dx[i] || 0) * 86400000;
        pts.dates.push(new Date(t).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }));
      }
    }
    return pts.dates[n.i] === undefined ? null : pts.dates[n.i];
  }

  // More hover text of compact points (summary, blocked time) comes from
  // the JSON at the layer's data-details, a same-site path with the view's
  // query: fetched once per URL, on the first hover, then kept. Its
  // strings are only ever set as text.
  var details = {};

  function detailsFor(path) {
    var u = path.getAttribute("data-details");
    if (!u) return null;
    var d = details[u];
    if (d) return d;
    d = details[u] = { data: null, failed: false, loaded: false };
    var url = null;
    try {
      url = new URL(u, window.location.href);
    } catch (e) {
      url = null;
    }
    if (!url || url.origin !== window.location.origin || typeof fetch !== "function") {
      d.failed = true;
      return d;
    }
    fetch(url.href, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (j) {
        d.data = j && typeof j === "object" && !Array.isArray(j) ? j : {};
      }, function () {
        d.failed = true;
      })
      .then(function () {
        d.loaded = true;
        // Still over the same point: show the whole text now.
        if (hover && hover.n.path.getAttribute("data-details") === u) showTip(pointText(hover.n), hover.ev);
      });
    return d;
  }

  function pointText(n) {
    var d = compact(n.path).data;
    var unit = n.path.getAttribute("data-unit");
    var y = col(d, "y", n.i), x = pointX(n);
    var label = pointLabel(n);
    var first = label || n.path.getAttribute("data-series") || "";
    var more = [];
    var det = detailsFor(n.path);
    if (det && det.data && label && Object.prototype.hasOwnProperty.call(det.data, label)) {
      var e = det.data[label];
      if (Array.isArray(e)) {
        if (typeof e[0] === "string" && e[0]) first += " · " + e[0];
        for (var k = 1; k < e.length; k++) {
          if (typeof e[k] === "string") more.push(e[k]);
        }
      }
    }
    var lines = [first];
    if (y !== null) lines.push(y + (unit ? " " + unit : ""));
    if (x !== null) lines.push(x);
    return lines.concat(more).filter(Boolean).join("\n");
  }

  function pointHref(n) {
    var pre = n.path.getAttribute("data-href-prefix");
    if (pre === null) return null;
    if (n.path.getAttribute("data-href-from") === "label") {
      var l = pointLabel(n);
      return l ? safeURL(pre + l) : null;
    }
    var h = col(compact(n.path).data, "h", n.i);
    return h === null ? null : safeURL(pre + h);
  }

  // safeURL allows http(s) only, so a hostile label can never run script.
  function safeURL(h) {
    try {
      var u = new URL(h, window.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function ring(svg, n) {
    var c = svg.querySelector(".chart-hover-ring");
    if (!n) {
      if (c) c.setAttribute("visibility", "hidden");
      return;
    }
    if (!c) {
      c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      c.setAttribute("class", "chart-hover-ring");
      svg.appendChild(c);
    }
    c.setAttribute("cx", n.x);
    c.setAttribute("cy", n.y);
    c.setAttribute("r", n.r + 2);
    c.setAttribute("visibility", "visible");
  }

  var lastRingSvg = null;
  var hover = null; // the compact point under the mouse, and the event

  document.addEventListener("mousemove", function (ev) {
    var svg = chartOf(ev.target);
    if (lastRingSvg && lastRingSvg !== svg) {
      ring(lastRingSvg, null);
      lastRingSvg = null;
    }
    if (!svg || drag) {
      hover = null;
      hideTip();
      return;
    }
    var text = null;
    var n = nearestPoint(svg, ev);
    hover = n ? { n: n, ev: ev } : null;
    if (n) {
      text = pointText(n);
      ring(svg, n);
      lastRingSvg = svg;
    } else {
      ring(svg, null);
      text = titleText(ev.target, svg);
    }
    if (text) showTip(text, ev);
    else hideTip();
  });

  document.documentElement.addEventListener("mouseleave", hideTip);
  window.addEventListener("scroll", hideTip, { passive: true });

  // Clicks: compact points and any mark with data-href open in a new tab
  // without handing the page to the target. A click that ends a drag is
  // swallowed (it would follow a detailed point's link).
  document.addEventListener("click", function (ev) {
    if (suppressClick) {
      suppressClick = false;
      ev.preventDefault();
      ev.stopPropagation();
      return;
    }
    var svg = chartOf(ev.target);
    if (!svg) return;
    var href = null;
    var el = ev.target.closest("[data-href]");
    if (el && svg.contains(el)) href = safeURL(el.getAttribute("data-href"));
    if (!href) {
      var n = nearestPoint(svg, ev);
      if (n) href = pointHref(n);
    }
    if (href) {
      ev.preventDefault();
      window.open(href, "_blank", "noopener,noreferrer");
    }
  }, true);

  // --- drag to zoom (charts with data-zoom="x" or "xy") ---

  function plotOf(svg) {
    var p = (svg.getAttribute("data-plot") || "").split(" ").map(Number);
    return p.length === 4 && p.every(isFinite) ? { x: p[0], y: p[1], w: p[2], h: p[3] } : null;
  }

  function clamp(v, lo, hi) {
    return Math.min(Math.max(v, lo), hi);
  }

  function domain(svg, axis) {
    var d = (svg.getAttribute("data-" + axis + "-domain") || "").split(" ").map(Number);
    return d.length === 2 && isFinite(d[0]) && isFinite(d[1]) ? d : null;
  }

  // Query values: dates (2006-01-02, in the chart's zone) for time axes,
  // numbers with the precision the span needs otherwise.
  function format(svg, axis, v, span) {
    if (axis === "x" && svg.getAttribute("data-x-kind") === "time") {
      var off = +svg.getAttribute("data-x-tz") || 0;
      return new Date((v + off) * 1000).toISOString().slice(0, 10);
    }
    var dec = clamp(2 - Math.floor(Math.log10(Math.abs(span) || 1)), 0, 6);
    return String(+v.toFixed(dec));
  }

  document.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0 || ev.pointerType === "touch") return;
    var svg = ev.target.closest ? ev.target.closest("svg.chart[data-zoom]") : null;
    if (!svg) return;
    var plot = plotOf(svg), p = svgPoint(svg, ev);
    if (!plot || !p || p.x < plot.x || p.x > plot.x + plot.w || p.y < plot.y || p.y > plot.y + plot.h) return;
    drag = { svg: svg, plot: plot, x0: p.x, y0: p.y, x1: p.x, y1: p.y, xy: svg.getAttribute("data-zoom") === "xy", rect: null };
  });

  document.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var p = svgPoint(drag.svg, ev);
    if (!p) return;
    drag.x1 = clamp(p.x, drag.plot.x, drag.plot.x + drag.plot.w);
    drag.y1 = clamp(p.y, drag.plot.y, drag.plot.y + drag.plot.h);
    if (!drag.rect) {
      if (Math.abs(drag.x1 - drag.x0) < 4 && Math.abs(drag.y1 - drag.y0) < 4) return;
      drag.rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      drag.rect.setAttribute("class", "chart-zoom-sel");
      drag.rect.setAttribute("data-testid", "chart-zoom-selection");
      drag.svg.appendChild(drag.rect);
      hideTip();
    }
    var x = Math.min(drag.x0, drag.x1), w = Math.abs(drag.x1 - drag.x0);
    var y = drag.plot.y, h = drag.plot.h;
    if (drag.xy) {
      y = Math.min(drag.y0, drag.y1);
      h = Math.abs(drag.y1 - drag.y0);
    }
    drag.rect.setAttribute("x", x);
    drag.rect.setAttribute("y", y);
    drag.rect.setAttribute("width", w);
    drag.rect.setAttribute("height", h);
    ev.preventDefault();
  });

  function endDrag() {
    if (drag && drag.rect) drag.rect.remove();
    drag = null;
  }

  document.addEventListener("pointerup", function () {
    if (!drag) return;
    var d = drag;
    endDrag();
    if (!d.rect || Math.abs(d.x1 - d.x0) < 4 || (d.xy && Math.abs(d.y1 - d.y0) < 4)) return;
    suppressClick = true;
    setTimeout(function () { suppressClick = false; }, 0);
    var xd = domain(d.svg, "x"), yd = domain(d.svg, "y");
    if (!xd || !yd) return;
    var ax = function (px) { return xd[0] + (px - d.plot.x) / d.plot.w * (xd[1] - xd[0]); };
    var ay = function (py) { return yd[1] - (py - d.plot.y) / d.plot.h * (yd[1] - yd[0]); };
    var xa = ax(Math.min(d.x0, d.x1)), xb = ax(Math.max(d.x0, d.x1));
    var names = (d.svg.getAttribute("data-zoom-params") || "").split(",");
    var url = new URL(window.location.href);
    var set = function (i, v) {
      if (names[i]) url.searchParams.set(names[i], v);
    };
    set(0, format(d.svg, "x", xa, xb - xa));
    set(1, format(d.svg, "x", xb, xb - xa));
    if (d.xy) {
      var ya = ay(Math.max(d.y0, d.y1)), yb = ay(Math.min(d.y0, d.y1));
      set(2, format(d.svg, "y", ya, yb - ya));
      set(3, format(d.svg, "y", yb, yb - ya));
    }
    window.location.assign(url.toString());
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && drag) endDrag();
  });

  // Links inside a zoomable chart must not start a native drag.
  document.addEventListener("dragstart", function (ev) {
    if (ev.target.closest && ev.target.closest("svg.chart[data-zoom]")) ev.preventDefault();
  });
})();
