package web

// gridChartWidth is the viewBox width of the charts shown two to a row
// (the quadrants, the flow views' smaller charts, forecast, compare). It is
// about the width such a chart gets on the page (half of the 1200 px
// layout), so its 11–12 px labels are drawn near that size instead of being
// shrunk to 8 px; on a wider or narrower screen the chart still scales.
const gridChartWidth = 560
