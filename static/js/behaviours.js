/* Small behaviours the markup asks for with data-* attributes, on every page (base.html).
 *
 * The Content-Security-Policy allows no inline script, no on*= handler and no style="" attribute,
 * so pages declare what they need and this file does it:
 *   <form data-confirm="Question?">   asks before submitting;
 *   <input data-select-on-focus>      selects its text when focused (a token to copy);
 *   <span data-colour="#3a87ad">      gets that background colour (a campaign's);
 *   <div data-progress="42">          gets that width in percent (a progress bar).
 * Styles set through the CSSOM (element.style) are allowed by the policy; attributes are not.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  }, true);

  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) { event.target.select(); }
  });

  function apply(root) {
    root.querySelectorAll("[data-colour]").forEach(function (element) {
      element.style.backgroundColor = element.dataset.colour;
    });
    root.querySelectorAll("[data-progress]").forEach(function (element) {
      element.style.width = element.dataset.progress + "%";
    });
  }
  apply(document);
})();
