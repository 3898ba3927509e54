// Bulk work on a list of posts: select all, count the selection, show the one field the chosen
// action needs, and ask before deleting. The server judges each post (posts/bulk.py).
(function () {
  "use strict";
  const form = document.getElementById("bulk-form");
  if (!form) return;
  const picks = () => Array.from(document.querySelectorAll('input.bulk-pick[form="bulk-form"]'));
  const all = document.getElementById("bulk-all");
  const count = document.getElementById("bulk-count");
  const action = document.getElementById("bulk-action");
  const submit = document.getElementById("bulk-submit");

  function refresh() {
    const boxes = picks();
    const chosen = boxes.filter((box) => box.checked).length;
    count.textContent = form.dataset.countText.replace("{count}", String(chosen));
    all.checked = chosen > 0 && chosen === boxes.length;
    all.indeterminate = chosen > 0 && chosen < boxes.length;
    submit.disabled = chosen === 0;
  }

  function showFields() {
    form.querySelectorAll("[data-bulk-for]").forEach((field) => {
      field.hidden = field.dataset.bulkFor !== action.value;
    });
  }

  all.addEventListener("change", () => {
    picks().forEach((box) => {
      box.checked = all.checked;
    });
    refresh();
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("input.bulk-pick")) refresh();
  });
  action.addEventListener("change", showFields);
  form.addEventListener("submit", (event) => {
    const deleting = action.value === form.dataset.deleteAction; // the name comes from the page (BulkForm.Action)
    if (deleting && !window.confirm(form.dataset.confirmDelete)) event.preventDefault();
  });
  showFields();
  refresh();
})();
