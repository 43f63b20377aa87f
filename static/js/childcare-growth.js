// Growth chart on the child page: WHO weight-for-age curves (−3…+3 SD) and the child's points.
(function () {
  var el = document.getElementById("growth-chart");
  var dataEl = document.getElementById("growth-data");
  if (!el || !dataEl || !window.echarts) return;
  var labels = JSON.parse(document.currentScript.dataset.labels);
  var data = JSON.parse(dataEl.textContent);
  var styles = {"-3": "#c62828", "-2": "#ef6c00", "0": "#2e7d32", "2": "#ef6c00", "3": "#c62828"};
  var series = Object.keys(data.curves).map(function (z) {
    return {name: (z > 0 ? "+" : "") + z + " SD", type: "line", showSymbol: false, data: data.curves[z],
            lineStyle: {width: z === "0" ? 2 : 1, color: styles[z], type: z === "0" ? "solid" : "dashed"},
            itemStyle: {color: styles[z]}};
  });
  series.push({name: labels.child, type: "line", data: data.points, symbolSize: 8,
               lineStyle: {color: "#1565c0", width: 2}, itemStyle: {color: "#1565c0"}});
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    grid: {left: 44, right: 16, top: 36, bottom: 64},
    legend: {bottom: 0, type: "scroll"},
    tooltip: {trigger: "axis"},
    xAxis: {type: "value", name: labels.x, nameLocation: "middle", nameGap: 22, min: 0,
            max: data.curves["0"][data.curves["0"].length - 1][0]},
    yAxis: {type: "value", name: labels.y},
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
