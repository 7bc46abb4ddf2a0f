/* Dashboard charts (Apache ECharts, vendored). The page already shows every figure as a table;
   this only draws the same JSON (/reports/dashboard.json) as charts. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !window.echarts) { return; }
  var L = JSON.parse(document.getElementById("chart-labels").textContent);
  var charts = [];

  function chart(name, option) {
    var el = root.querySelector('[data-chart="' + name + '"]');
    if (!el) { return; }
    el.classList.add("drawn");
    var c = window.echarts.init(el, null, { renderer: "svg" });
    var options = Object.assign({ animation: false, tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true } }, option);
    // Tooltips drawn by the chart itself: ECharts' HTML tooltips carry style="" attributes,
    // which the Content-Security-Policy blocks (names and values ran together).
    options.tooltip = Object.assign({ renderMode: "richText" }, options.tooltip);
    c.setOption(options);
    charts.push(c);
  }
  function pct(v) { return v === null ? null : Math.round(v * 1000) / 10; }
  function horizontal(rows, valueKey, nameKey, seriesName, max) {
    rows = rows.slice().reverse();
    return {
      xAxis: { type: "value", max: max },
      yAxis: { type: "category", data: rows.map(function (r) { return r[nameKey]; }),
               axisLabel: { width: 160, overflow: "truncate" } },
      series: [{ type: "bar", name: seriesName, data: rows.map(function (r) { return r[valueKey]; }) }]
    };
  }

  fetch(root.dataset.json, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (d) {
      var months = d.monthly.map(function (m) { return m.month.slice(5) + "/" + m.month.slice(0, 4); });  // 2025-01 -> 01/2025
      function col(key) { return d.monthly.map(function (m) { return m[key]; }); }
      chart("monthly", {
        legend: { top: 0 },
        xAxis: { type: "category", data: months },
        yAxis: [{ type: "value" }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
        series: [
          { type: "bar", stack: "received", name: L.counter, data: col("received_counter") },
          { type: "bar", stack: "received", name: L.online, data: col("received_online") },
          { type: "bar", stack: "received", name: L.post, data: col("received_post") },
          { type: "line", name: L.resolved, data: col("resolved") },
          { type: "line", name: L.share, yAxisIndex: 1, data: d.monthly.map(function (m) { return pct(m.online_share); }) }
        ]
      });
      chart("on_time", Object.assign(horizontal(d.on_time_by_organisation.map(function (r) {
        return { name: r.name, rate: pct(r.rate) }; }), "rate", "name", L.rate, 100), {}));
      chart("overdue_org", horizontal(d.overdue_now.by_organisation, "count", "name", L.count));
      chart("overdue_procedure", horizontal(d.overdue_now.by_procedure, "count", "name", L.count));
      chart("processing", {
        legend: { top: 0 },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: d.processing_time_by_procedure.map(function (p) { return p.name; }).reverse(),
                 axisLabel: { width: 160, overflow: "truncate" } },
        series: [
          { type: "bar", name: L.days, data: d.processing_time_by_procedure.map(function (p) { return p.average_days; }).reverse() },
          { type: "bar", name: L.allowed, data: d.processing_time_by_procedure.map(function (p) { return p.statutory_days; }).reverse() }
        ]
      });
      chart("late_causes", {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: d.late_causes.map(function (c) {
          return { name: c.reason, value: c.count }; }) }]
      });
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    })
    .catch(function () { /* the tables remain */ });
}());
