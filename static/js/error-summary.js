// The error summary (the GOV.UK pattern): a page that comes back with problems moves focus to the
// summary, so a screen reader announces them first; each link then puts the cursor in its field,
// where a plain #fragment would only scroll. Without JavaScript the links still scroll to the field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    // Show the question with its legend or label, not just the input.
    (field.closest("fieldset, .field") || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
