// The composer's "Insert" menu: a saved caption or hashtag group goes where the cursor is, in
// the text of the tab shown (all networks, or one network's own text), with a space on each side
// where it would otherwise stick to a word (a hashtag glued to a word is no hashtag). An input
// event lets the counters and previews (composer.js) follow.
(function () {
  "use strict";
  const menu = document.getElementById("saved-text-menu");
  const form = document.getElementById("composer");
  if (!menu || !form) return;

  function currentTextarea() {
    return form.querySelector(".tab-pane.active textarea[data-counted]") || form.querySelector("[data-counted=main]");
  }

  function spaced(value, start, end, text) {
    const before = start > 0 && !/\s/.test(value.charAt(start - 1)) ? " " : "";
    const after = end < value.length && !/\s/.test(value.charAt(end)) ? " " : "";
    return before + text + after;
  }

  function insert(textarea, text) {
    const value = textarea.value;
    const start = textarea.selectionStart ?? value.length;
    const end = textarea.selectionEnd ?? start;
    const piece = spaced(value, start, end, text);
    textarea.value = value.slice(0, start) + piece + value.slice(end);
    const cursor = start + piece.length;
    textarea.focus();
    textarea.setSelectionRange(cursor, cursor);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  menu.addEventListener("click", (event) => {
    const button = event.target.closest("button.saved-text");
    if (!button) return;
    insert(currentTextarea(), button.dataset.text);
  });
})();
