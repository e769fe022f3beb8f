/* Coverage page: the stacked bar chart of contracts per status family at 31 December (Chart.js 4).
 * Data from the #timeline-data JSON script; the table below the chart is its accessible alternative.
 * Once drawn, the canvas gets data-drawn="N" (number of years). */
(function () {
  "use strict";
  var COLOURS = { PROJECT: "#b34000", ACTIVE: "#000091", ENDED: "#666666" };

  document.addEventListener("DOMContentLoaded", function () {
    var canvas = document.getElementById("timeline-chart");
    var source = document.getElementById("timeline-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    Chart.defaults.font.family = "Marianne, arial, sans-serif";
    Chart.defaults.color = "#161616";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: COLOURS[series.family],
            borderColor: "#ffffff",
            borderWidth: 1,
            stack: "contrats"
          };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { mode: "index", intersect: false } },
        scales: {
          x: { stacked: true, title: { display: true, text: "Au 31 décembre" } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Nombre de contrats" } }
        }
      }
    });
    canvas.setAttribute("data-drawn", String(data.labels.length));
  });
})();
