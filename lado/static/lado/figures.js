/* Draws the LADO figures charts from the JSON the page carries. Each chart has a
   table beside it with the same numbers, for screen readers and printing. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var blue = "#0b5394", teal = "#2a9d8f", amber = "#e9a23b";

  function bar(id, labels, datasets, options) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: Object.assign(
        {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { position: "bottom" } },
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
        },
        options || {}
      )
    });
  }

  function split(key, id) {
    bar(id, data[key].labels, [
      { label: "Consultations", data: data[key].consultations, backgroundColor: teal },
      { label: "Referrals", data: data[key].referrals, backgroundColor: blue }
    ], { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } });
  }

  split("sector", "chart-sector");
  split("source", "chart-source");
  bar("chart-outcome", data.outcome.labels, [
    { label: "Allegations closed", data: data.outcome.counts, backgroundColor: blue }
  ]);
  bar("chart-criterion", data.criterion.labels, [
    { label: "Referrals meeting the harm test", data: data.criterion.counts, backgroundColor: amber }
  ]);
  bar("chart-timeliness", data.timeliness.labels, [
    { label: "% resolved", data: data.timeliness.percents, backgroundColor: teal }
  ], { scales: { y: { beginAtZero: true, max: 100 } } });
})();
