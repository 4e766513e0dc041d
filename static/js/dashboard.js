/* Dashboard charts (Chart.js, vendored). The page passes its numbers with
   Django's json_script; every chart repeats a table that is printed too, so
   nothing is lost on paper or when scripts are off. */
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var RED = "#b3121b";
  var GREY = "#adb5bd";
  var GREEN = "#198754";

  function baseOptions(extra) {
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom" } },
    };
    return Object.assign(options, extra || {});
  }

  function trendChart(canvas, trend) {
    var datasets = [
      { label: trend.labels.members, data: trend.members, borderColor: RED, backgroundColor: RED, tension: 0.2 },
    ];
    if (trend.target !== null) {
      datasets.push({
        label: trend.labels.target,
        data: trend.periods.map(function () { return trend.target; }),
        borderColor: GREEN,
        borderDash: [6, 4],
        pointRadius: 0,
      });
    }
    if (trend.baseline !== null) {
      datasets.push({
        label: trend.labels.baseline,
        data: trend.periods.map(function () { return trend.baseline; }),
        borderColor: GREY,
        borderDash: [2, 3],
        pointRadius: 0,
      });
    }
    return new window.Chart(canvas, {
      type: "line",
      data: { labels: trend.periods, datasets: datasets },
      options: baseOptions({ scales: { y: { beginAtZero: true } } }),
    });
  }

  function sectorChart(canvas, sectors) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: sectors.names,
        datasets: [
          { label: sectors.labels.enterprises, data: sectors.enterprises, backgroundColor: GREY },
          { label: sectors.labels.covered, data: sectors.covered, backgroundColor: RED },
        ],
      },
      options: baseOptions({ indexAxis: "y", scales: { x: { beginAtZero: true } } }),
    });
  }

  function progressChart(canvas, units) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: units.names,
        datasets: [{ label: units.label, data: units.progress, backgroundColor: RED }],
      },
      options: baseOptions({
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, suggestedMax: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      }),
    });
  }

  function draw() {
    if (!window.Chart) {
      return [];
    }
    var charts = [];
    var pairs = [
      ["chart-trend", "trend-data", trendChart],
      ["chart-sectors", "sector-data", sectorChart],
      ["chart-progress", "progress-data", progressChart],
    ];
    pairs.forEach(function (pair) {
      var canvas = document.getElementById(pair[0]);
      var values = data(pair[1]);
      if (canvas && values) {
        charts.push(pair[2](canvas, values));
      }
    });
    return charts;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var charts = draw();
    // Charts are sized for the screen; redraw them at the paper's width.
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
    var printButton = document.getElementById("print-button");
    if (printButton) {
      printButton.addEventListener("click", function () { window.print(); });
    }
    // The period picker submits as soon as a period is chosen.
    var picker = document.getElementById("period-picker");
    if (picker) {
      picker.addEventListener("change", function () {
        var dateField = document.getElementById("date-picker");
        if (dateField) {
          dateField.value = "";
        }
        picker.form.submit();
      });
    }
  });
})();
