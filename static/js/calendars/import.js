/* A running CSV import: poll its progress once a second; reload for the report when it ends. */
(function () {
  "use strict";

  const box = document.getElementById("import-progress");
  if (!box || document.getElementById("import-report")) { return; }
  const bar = box.querySelector(".progress-bar");
  const counts = document.getElementById("import-counts");
  const status = document.getElementById("import-status");
  const template = counts.textContent.replace(/\d+/, "{processed}").replace(/\d+/, "{total}");

  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.style.width = data.percent + "%";
        bar.textContent = data.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", data.percent);
        status.textContent = data.statusLabel;
        counts.textContent = template.replace("{processed}", data.processed).replace("{total}", data.total);
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
