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

  // By unit: one horizontal row per unit, sorted, the 95% interval as a bar and the rate as a
  // dot, on an axis that starts where the figures are; the plot grows with the number of units.
  // On a phone a unit's name wraps onto short lines instead of being cut off at the edge.
  function wrap(text, width) {
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }
  var unitsBox = document.getElementById("chart-units-box");
  var narrow = unitsBox && unitsBox.clientWidth < 560;
  var unitLabels = data.units.labels.map(function (label) { return narrow ? wrap(label, 16) : label; });
  var rowHeight = narrow ? 16 * Math.max.apply(null, unitLabels.map(function (l) { return l.length || 1; })) + 14 : 34;
  if (unitsBox) { unitsBox.style.height = (60 + rowHeight * unitLabels.length) + "px"; }
  draw("chart-units", {
    type: "bar",
    data: {
      labels: unitLabels,
      datasets: [
        { type: "bar", label: data.units.intervalLabel, data: data.units.interval, backgroundColor: "rgba(13,110,253,0.3)", barPercentage: 0.5 },
        { type: "line", label: data.units.rateLabel, data: data.units.rate, showLine: false, pointRadius: 6, pointStyle: "rectRot", borderColor: "#052c65", backgroundColor: "#052c65" }
      ]
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: {
        x: { min: data.units.axisMin, max: 100, title: { display: true, text: "%" } },
        y: { ticks: { autoSkip: false, font: { size: narrow ? 11 : 12 } } }
      }
    }
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
  if (data.years) {
    draw("chart-years", {
      type: "bar",
      data: {
        labels: data.years.labels,
        datasets: [
          { label: data.years.indexLabel, data: data.years.index, backgroundColor: "#0d6efd" },
          { label: data.years.pooledLabel, data: data.years.pooled, backgroundColor: "#fd7e14" }
        ]
      },
      options: { scales: { y: percentAxis } }
    });
  }
  draw("chart-channels", { type: "doughnut", data: { labels: data.channels.labels, datasets: [{ data: data.channels.responses }] } });
  draw("chart-groups", { type: "doughnut", data: { labels: data.groups.labels, datasets: [{ data: data.groups.responses }] } });
  draw("chart-days", {
    type: "bar",
    data: { labels: data.days.labels, datasets: [{ label: data.days.label, data: data.days.responses, backgroundColor: "#6c757d" }] },
    options: { scales: { y: { beginAtZero: true } } }
  });
})();
