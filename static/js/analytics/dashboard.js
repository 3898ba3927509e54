// The analytics page's charts, drawn by Chart.js from the numbers the page carries in
// json_script blocks. A day without numbers is a gap in the line (null), never a zero.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("analytics-data").textContent);
  const labels = JSON.parse(document.getElementById("analytics-labels").textContent);
  const locale = document.documentElement.lang || "en";
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });

  function chart(id, config) {
    const canvas = document.getElementById(id);
    if (canvas && window.Chart) {
      new window.Chart(canvas, config);
    }
  }

  chart("trend-chart", {
    data: {
      labels: data.trend.days.map(function (d) { return day.format(new Date(d + "T12:00:00")); }),
      datasets: [
        { type: "bar", label: labels.published, data: data.trend.published, yAxisID: "posts" },
        { type: "line", label: labels.engagement, data: data.trend.engagement, yAxisID: "engagement", spanGaps: false },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        posts: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
        engagement: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
      },
    },
  });

  chart("networks-chart", {
    type: "bar",
    data: {
      labels: data.networks.labels,
      datasets: [
        { label: labels.published, data: data.networks.published },
        { label: labels.engagement, data: data.networks.engagement },
      ],
    },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
  });
})();
