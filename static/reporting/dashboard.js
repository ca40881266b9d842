/* Draws each indicator's 12-month trend from the JSON the page carries. Each
   chart has a table beside it with the same numbers (its text alternative). */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  Object.keys(data).forEach(function (code) {
    var canvas = document.getElementById("trend-" + code);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data[code].labels,
        datasets: [{ label: "% in time", data: data[code].percents, borderColor: "#0b5394", spanGaps: true }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } }
      }
    });
  });
})();
