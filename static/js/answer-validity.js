// An answer saved as it is typed (autosave) that the server refuses comes back as the question's status line alone,
// with its message (role=alert). The field itself is then marked invalid too, as a whole-step submit marks it:
// aria-invalid on its input, so a screen reader says so when the field has focus, and the fieldset's red styling;
// both go once a save of that answer succeeds. A save that never got an answer (5xx, network) changes neither.
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail && event.detail.elt;
    var xhr = event.detail && event.detail.xhr;
    if (!(source instanceof Element) || !xhr || !source.matches("fieldset.field input, fieldset.field select")) {
      return;
    }
    var status = xhr.status;
    if (status < 200 || status >= 500) {
      return;
    }
    var refused = status >= 400;
    var fieldset = source.closest("fieldset.field");
    fieldset.classList.toggle("field--invalid", refused);
    fieldset.querySelectorAll("input:not([type=hidden]), select").forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        return; // a choice is never refused for its value alone; its fieldset's message says why
      }
      if (refused) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    });
  });
})();
