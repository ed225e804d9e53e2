// Sanxiang charts — initialises every <div class="chart" data-chart="ID"> from the JSON option in
// <script type="application/json" id="ID"> (Django's json_script), with the locally served ECharts
// (vendor/echarts/echarts.min.js, loaded before this file). No inline scripts (CSP).
//
// Drill-down: a data item that carries `url` (e.g. {"value": 3, "url": "/supervision/…"}) opens
// that URL when clicked; so does a series-level `url`. Charts resize with their container.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") return;
  const charts = [];

  function init(el) {
    if (el.dataset.chartReady) return;
    const source = document.getElementById(el.dataset.chart);
    if (!source) return;
    let option;
    try { option = JSON.parse(source.textContent); } catch (e) { return; }
    el.dataset.chartReady = "1";
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, textStyle: { fontFamily: "inherit" } }, option));
    chart.on("click", function (params) {
      const url = (params.data && params.data.url) || (params.series && params.series.url) ||
        (option.series && option.series[params.seriesIndex] && option.series[params.seriesIndex].url);
      if (url) window.location.assign(url);
    });
    el.style.cursor = "pointer";
    charts.push(chart);
  }

  function initAll(root) {
    (root || document).querySelectorAll(".chart[data-chart]").forEach(init);
  }

  let pending = null;
  window.addEventListener("resize", function () {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { charts.forEach(function (c) { c.resize(); }); });
  });
  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { initAll(event.target); });
  if (document.readyState !== "loading") initAll(document);
})();
