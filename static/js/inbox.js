/*
 * The inbox's pages: the reply box's counter and preview (the network's own counting and cut, as
 * the composer's: counting.js and the limits the server sends) and keyboard shortcuts as in a
 * mail client.
 *   List: j / k move, Enter opens.  Conversation: r reply, e resolve, a assign to me, u back.
 * Shortcuts never fire while typing in a field.
 */
(function () {
  "use strict";

  function typing(event) {
    const target = event.target;
    return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
  }

  function counter() {
    const box = document.getElementById("id_text");
    const output = document.getElementById("reply-counter");
    const limitsNode = box && document.getElementById(box.dataset.limitsId);
    if (!box || !output || !limitsNode || !window.Counting) return;
    const limits = JSON.parse(limitsNode.textContent);
    const update = () => {
      const count = window.Counting.count(box.value, limits);
      output.textContent = output.dataset.template
        .replace("%(count)s", count)
        .replace("%(limit)s", limits.max_chars);
      output.classList.toggle("text-danger", count > limits.max_chars);
      preview(box.value, count, limits);
    };
    box.addEventListener("input", update);
    update();
  }

  // The composer's preview for one network: what the network shows, cut where it cuts.
  function preview(text, count, limits) {
    const figure = document.getElementById("reply-preview");
    if (!figure) return;
    const shown = window.Counting.cut(text, limits);
    const cut = figure.querySelector(".preview-cut");
    figure.hidden = !text.trim();
    figure.querySelector(".preview-text").textContent = shown;
    cut.hidden = shown.length >= text.length;
    cut.textContent = cut.dataset.template.replace("%(count)s", count).replace("%(limit)s", limits.max_chars);
  }

  function submit(selector) {
    const form = document.querySelector(selector);
    if (form) form.requestSubmit();
  }

  function listKeys() {
    const rows = Array.from(document.querySelectorAll("#inbox-list .inbox-row"));
    if (!rows.length) return;
    let current = -1;
    const select = (index) => {
      if (current >= 0) rows[current].classList.remove("active");
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows[current].classList.add("active");
      rows[current].scrollIntoView({ block: "nearest" });
    };
    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") select(current + 1);
      else if (event.key === "k") select(current - 1);
      else if (event.key === "Enter" && current >= 0) rows[current].querySelector("a").click();
    });
  }

  function conversationKeys() {
    if (!document.getElementById("thread")) return;
    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      const actions = {
        r: () => document.getElementById("id_text") && document.getElementById("id_text").focus(),
        e: () => submit('#moves form[data-move="resolve"]'),
        a: () => submit("#assign-me"),
        u: () => document.getElementById("back-to-list").click(),
      };
      if (actions[event.key]) {
        event.preventDefault();
        actions[event.key]();
      }
    });
  }

  counter();
  listKeys();
  conversationKeys();
})();
