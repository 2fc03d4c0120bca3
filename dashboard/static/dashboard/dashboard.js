// Draws the dashboard charts from the JSON the page embeds; the tables beside them carry the figures.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var percentAxis = { min: 0, max: 100, title: { display: true, text: "%" } };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }

  draw("chart-units", {
    type: "bar",
    data: {
      labels: data.units.labels,
      datasets: [
        { type: "bar", label: data.units.intervalLabel, data: data.units.interval, backgroundColor: "rgba(13,110,253,0.25)" },
        { type: "line", label: data.units.rateLabel, data: data.units.rate, showLine: false, pointRadius: 5, borderColor: "#0d6efd", backgroundColor: "#0d6efd" }
      ]
    },
    options: { indexAxis: "x", scales: { y: percentAxis } }
  });
  draw("chart-aspects", {
    type: "bar",
    data: { labels: data.aspects.labels, datasets: [{ label: data.aspects.label, data: data.aspects.index, backgroundColor: "#198754" }] },
    options: { indexAxis: "y", scales: { x: percentAxis } }
  });
  draw("chart-trend", {
    type: "line",
    data: {
      labels: data.trend.labels,
      datasets: [
        { label: data.trend.indexLabel, data: data.trend.index, borderColor: "#0d6efd" },
        { label: data.trend.pooledLabel, data: data.trend.pooled, borderColor: "#fd7e14" }
      ]
    },
    options: { scales: { y: percentAxis } }
  });
  draw("chart-channels", { type: "doughnut", data: { labels: data.channels.labels, datasets: [{ data: data.channels.responses }] } });
  draw("chart-groups", { type: "doughnut", data: { labels: data.groups.labels, datasets: [{ data: data.groups.responses }] } });
  draw("chart-days", {
    type: "bar",
    data: { labels: data.days.labels, datasets: [{ label: data.days.label, data: data.days.responses, backgroundColor: "#6c757d" }] },
    options: { scales: { y: { beginAtZero: true } } }
  });
})();
