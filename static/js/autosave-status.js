// An autosave that never reached the server, or reached it while the database was away (a 503), is not
// "refused": the answer may or may not be stored. htmx does not swap 5xx answers or network failures,
// so without this the field would keep its old "Saved". Say plainly that it is not saved yet and how to
// make sure; the step's "Save and continue" posts every answer again.
(function () {
  "use strict";
  function notSaved(event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.id || target.id.indexOf("status-") !== 0) {
      return;
    }
    target.className = "saved-indicator is-error field__error";
    target.setAttribute("role", "alert");
    target.textContent =
      "Not confirmed: the service could not be reached, so this answer may not be saved yet. " +
      "Try again in a moment, or use Save and continue to save the whole step.";
  }
  document.addEventListener("htmx:responseError", notSaved);
  document.addEventListener("htmx:sendError", notSaved);
})();
