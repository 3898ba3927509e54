/*
 * Upload several files at once, one request per file, with a progress bar each (XHR upload
 * progress). Used by the media library and the composer. The server decides what it keeps
 * (posts/media.py decodes every image); the size check here only spares a useless upload.
 */
(function (root) {
  "use strict";

  function csrfToken(form) {
    const field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function progressRow(list, file) {
    const row = document.createElement("li");
    row.className = "upload-row mb-1";
    const name = document.createElement("span");
    name.className = "small me-2";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.className = "align-middle me-2";
    bar.setAttribute("aria-label", file.name);
    const status = document.createElement("span");
    status.className = "small upload-status";
    row.append(name, bar, status);
    list.append(row);
    return { row, bar, status };
  }

  function uploadOne(file, options) {
    const ui = progressRow(options.list, file);
    const t = options.i18n;
    if (options.maxBytes && file.size > options.maxBytes) {
      ui.bar.remove();
      ui.status.textContent = t.too_large;
      ui.row.classList.add("text-danger");
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      const data = new FormData();
      data.append("file", file);
      request.open("POST", options.url);
      request.setRequestHeader("X-CSRFToken", options.csrfToken);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) ui.bar.value = Math.round((100 * event.loaded) / event.total);
      });
      request.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(request.responseText); } catch (error) { body = { errors: [t.failed] }; }
        const media = (body.media || [])[0] || null;
        ui.bar.value = 100;
        ui.status.textContent = media ? t.done : (body.errors || [t.failed]).join(" ");
        ui.row.classList.add(media ? "text-success" : "text-danger");
        if (media && options.onUploaded) options.onUploaded(media);
        resolve(media);
      });
      request.addEventListener("error", () => {
        ui.status.textContent = t.failed;
        ui.row.classList.add("text-danger");
        resolve(null);
      });
      request.send(data);
    });
  }

  /** Upload `files` one after the other; resolves with the media the server kept. */
  async function uploadFiles(files, options) {
    const kept = [];
    for (const file of Array.from(files)) {
      const media = await uploadOne(file, options);
      if (media) kept.push(media);
    }
    return kept;
  }

  /** Wire a drop zone and a file input to uploadFiles. */
  function wire({ zone, input, onFiles }) {
    input.addEventListener("change", () => {
      onFiles(input.files);
      input.value = "";
    });
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("border-primary");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("border-primary"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("border-primary");
      if (event.dataTransfer && event.dataTransfer.files.length) onFiles(event.dataTransfer.files);
    });
  }

  root.MediaUpload = { uploadFiles, wire, csrfToken };
})(window);
