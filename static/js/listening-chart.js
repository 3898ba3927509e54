// The mentions page's volume chart (Chart.js, served by the app): data from json_script, no inline script.
(function () {
  const data = document.getElementById("volume-data");
  const canvas = document.getElementById("volume-chart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const volume = JSON.parse(data.textContent);
  const byDay = canvas.dataset.scale === "day";
  const chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: byDay ? volume.days : volume.hours,
      datasets: [{ label: canvas.dataset.label, data: byDay ? volume.per_day : volume.per_hour }],
    },
    options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  document.querySelectorAll("[data-volume-scale]").forEach(function (button) {
    button.addEventListener("click", function () {
      const day = button.dataset.volumeScale === "day";
      chart.data.labels = day ? volume.days : volume.hours;
      chart.data.datasets[0].data = day ? volume.per_day : volume.per_hour;
      chart.update();
    });
  });
})();
