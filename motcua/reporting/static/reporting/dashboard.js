/* Dashboard charts (Apache ECharts, vendored). The page already shows every figure as a table;
   this only draws the same JSON (/reports/dashboard.json) as charts. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !window.echarts) { return; }
  var L = JSON.parse(document.getElementById("chart-labels").textContent);
  var charts = [];
  // On a phone the legends wrap onto two or three lines: leave them room above the plot.
  var legendRoom = root.clientWidth < 560 ? 76 : 36;

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
  // A bar per row, the largest on top, with the full name wrapped beside it (never cut): the
  // label column takes about 40% of the chart's width and each bar enough height for its
  // wrapped name, so the chart grows with its rows on a phone as on a desktop.
  function labelWidth(name) {
    var el = root.querySelector('[data-chart="' + name + '"]');
    var width = el ? el.parentNode.clientWidth : 600;
    return Math.max(110, Math.min(320, Math.round(width * 0.4)));
  }
  function sized(name, rows, labelPx) {
    var el = root.querySelector('[data-chart="' + name + '"]');
    if (!el) { return; }
    var longest = rows.reduce(function (m, r) { return Math.max(m, String(r).length); }, 0);
    var lines = Math.max(1, Math.ceil(longest * 7 / labelPx));
    el.style.height = Math.max(160, rows.length * (lines * 15 + 12) + 60) + "px";
  }
  function horizontal(name, rows, valueKey, nameKey, seriesName, max) {
    rows = rows.filter(function (r) { return r[valueKey] !== null; }).sort(function (a, b) {
      return (a[valueKey] - b[valueKey]) || String(b[nameKey]).localeCompare(String(a[nameKey]), "vi");
    });
    var px = labelWidth(name);
    sized(name, rows.map(function (r) { return r[nameKey]; }), px);
    return {
      xAxis: { type: "value", max: max },
      yAxis: { type: "category", data: rows.map(function (r) { return r[nameKey]; }),
               axisLabel: { width: px, overflow: "break", lineHeight: 15, interval: 0 } },
      series: [{ type: "bar", name: seriesName, data: rows.map(function (r) { return r[valueKey]; }) }]
    };
  }

  fetch(root.dataset.json, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (d) {
      var months = d.monthly.map(function (m) { return m.month_label; });
      function col(key) { return d.monthly.map(function (m) { return m[key]; }); }
      chart("monthly", {
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: legendRoom, bottom: 8, containLabel: true },
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
      chart("on_time", horizontal("on_time", d.on_time_by_organisation.map(function (r) {
        return { name: r.name, rate: pct(r.rate) }; }), "rate", "name", L.rate, 100));
      chart("overdue_org", horizontal("overdue_org", d.overdue.by_organisation, "count", "name", L.count));
      chart("overdue_procedure", horizontal("overdue_procedure", d.overdue.by_procedure, "count", "name", L.count));
      var timed = d.processing_time_by_procedure.slice().sort(function (a, b) {
        return a.average_days - b.average_days; });
      var ppx = labelWidth("processing");
      sized("processing", timed.map(function (p) { return p.name; }), ppx);
      chart("processing", {
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: legendRoom, bottom: 8, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: timed.map(function (p) { return p.name; }),
                 axisLabel: { width: ppx, overflow: "break", lineHeight: 15, interval: 0 } },
        series: [
          { type: "bar", name: L.days, data: timed.map(function (p) { return p.average_days; }) },
          { type: "bar", name: L.allowed, data: timed.map(function (p) { return p.statutory_days; }) }
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
