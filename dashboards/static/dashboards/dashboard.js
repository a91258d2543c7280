// Draws the dashboard's charts from the JSON the page embeds (no data is fetched).
(function () {
  "use strict";
  var charts = JSON.parse(document.getElementById("dashboard-charts").textContent);
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var spec = charts[element.dataset.chart];
    if (!spec || typeof echarts === "undefined") { return; }
    var chart = echarts.init(element);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 24, bottom: 64 },
      xAxis: { type: "category", data: spec.labels, axisLabel: { rotate: spec.labels.length > 8 ? 40 : 0 } },
      yAxis: { type: "value" },
      series: [{ name: spec.name, type: spec.type, data: spec.values, smooth: spec.type === "line" }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
  document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (element) {
    if (window.bootstrap) { new bootstrap.Tooltip(element); }
  });
})();
