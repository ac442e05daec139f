// An answer saved as it is typed (autosave) that the server refuses comes back as the question's status line alone,
// with its message (role=alert). The field itself is then marked invalid too, as a whole-step submit marks it:
// aria-invalid on its input, so a screen reader says so when the field has focus, and the fieldset's red styling;
// both go once a save of that answer succeeds. A save that never got an answer (5xx, network) changes neither.
// The step's error summary, drawn when the step was sent, follows too: its line for the field takes the new
// message, or goes once the answer is saved (and the summary with its last line), so it never says what the field
// no longer does (review 39).
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

  document.addEventListener("htmx:afterSettle", function () {
    var summary = document.getElementById("error-summary");
    if (!summary) {
      return;
    }
    summary.querySelectorAll('li[data-name] > a[href^="#input-"]').forEach(function (link) {
      var status = document.getElementById("status-" + link.getAttribute("href").slice(7));
      var item = link.parentElement;
      if (!status) {
        return;
      }
      if (status.classList.contains("is-error")) {
        link.textContent = item.getAttribute("data-name") + " " + status.textContent.trim();
      } else if (status.classList.contains("is-saved")) {
        item.remove();
      }
    });
    if (!summary.querySelector("li")) {
      summary.remove();
    }
  });
})();
