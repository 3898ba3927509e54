/* The media library's upload zone: the files dropped or chosen are uploaded one by one (see
 * media_upload.js), then the page reloads to show them. */
(function () {
  "use strict";

  const form = document.getElementById("library-upload");
  if (!form) { return; }
  const t = JSON.parse(document.getElementById("upload-i18n").textContent);
  MediaUpload.wire({
    zone: document.getElementById("dropzone"),
    input: document.getElementById("upload-input"),
    onFiles: async function (files) {
      const count = files.length;
      const kept = await MediaUpload.uploadFiles(files, {
        url: form.action,
        csrfToken: MediaUpload.csrfToken(form),
        list: document.getElementById("upload-progress"),
        maxBytes: Number(form.dataset.maxBytes),
        i18n: t,
      });
      if (kept.length && kept.length === count) { window.setTimeout(function () { window.location.reload(); }, 600); }
    },
  });
})();
