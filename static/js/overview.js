// Overview charts (ECharts from our own static files). Data comes from json_script blocks.
(function () {
  "use strict";
  var COLORS = { green: "#2e7d32", amber: "#ef8f00", red: "#c62828", none: "#8a949e" };
  var charts = [];
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function make(el, option) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  // Sparklines on the dashboard cards.
  document.querySelectorAll(".kpi").forEach(function (card) {
    var trend = data("trend-" + card.dataset.kpi);
    var el = card.querySelector(".spark");
    if (!trend || !el) return;
    make(el, {
      grid: { left: 2, right: 2, top: 6, bottom: 2 },
      xAxis: { type: "category", show: false, data: trend.map(function (p) { return p[0]; }) },
      yAxis: { type: "value", show: false, scale: true },
      tooltip: { trigger: "axis" },
      series: [{ type: "line", data: trend.map(function (p) { return p[1]; }), symbolSize: 6, showSymbol: true, connectNulls: true,
                 lineStyle: { width: 2, color: "#b8322a" }, itemStyle: { color: "#b8322a" }, areaStyle: { opacity: 0.08 } }]
    });
  });
  // Bars by town on an indicator page.
  var bars = data("bars-data");
  var barsEl = document.getElementById("town-bars");
  if (bars && barsEl) {
    var series = [{ type: "bar", data: bars.values, itemStyle: { color: "#1f6f8b" } }];
    if (bars.target !== null) {
      series[0].markLine = { symbol: "none", data: [{ yAxis: bars.target, name: bars.target_name }], lineStyle: { color: "#c62828", type: "dashed" } };
    }
    make(barsEl, {
      grid: { left: 48, right: 16, top: 24, bottom: 90 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: bars.names, axisLabel: { rotate: 60, interval: 0 } },
      yAxis: { type: "value", name: bars.unit },
      series: series
    });
  }
  // One town's 12-month trend.
  var trend = data("trend-data");
  var trendEl = document.getElementById("town-trend");
  if (trend && trendEl) {
    var s = { type: "line", data: trend.values, connectNulls: true, itemStyle: { color: "#b8322a" } };
    if (trend.target !== null) {
      s.markLine = { symbol: "none", data: [{ yAxis: trend.target }], lineStyle: { color: "#c62828", type: "dashed" } };
    }
    make(trendEl, {
      grid: { left: 48, right: 16, top: 24, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: trend.months },
      yAxis: { type: "value", name: trend.unit },
      series: [s]
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  // Town points coloured by traffic light (a choropleth needs boundaries; points otherwise).
  window.overviewMap = function (map) {
    var points = data("map-points") || [];
    var values = points.map(function (p) { return p.value; }).filter(function (v) { return v !== null; });
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    var hasTarget = points.some(function (p) { return p.status !== "none"; });
    // Traffic lights when the indicator has a target; otherwise a blue ramp from low to high.
    function colour(p) {
      if (hasTarget) return COLORS[p.status] || COLORS.none;
      if (p.value === null || !isFinite(lo)) return COLORS.none;
      var t = hi > lo ? (p.value - lo) / (hi - lo) : 1;
      var light = Math.round(85 - t * 50);
      return "hsl(200, 60%, " + light + "%)";
    }
    var layer = L.featureGroup();
    points.forEach(function (p) {
      var label = p.name + "：" + (p.value === null ? "—" : p.value);
      if (p.boundary) {
        L.geoJSON(p.boundary, { style: { color: "#fff", weight: 1, fillColor: colour(p), fillOpacity: 0.75 } })
          .bindTooltip(window.portalText(label)).addTo(layer);
      } else {
        L.circleMarker([p.lat, p.lng], { radius: 9, weight: 1, color: "#fff", fillOpacity: 0.9, fillColor: colour(p) })
          .bindTooltip(window.portalText(label)).addTo(layer);
      }
    });
    layer.addTo(map);
    if (points.length) map.fitBounds(layer.getBounds().pad(0.05));
  };
})();
