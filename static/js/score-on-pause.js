// The what-if form scores its answers on their change event, which a browser sends for a typed box only when the
// box is left: a buyer who pasted "12,5k" into the hours and kept the focus there saw no result and no message
// (review 52). Once typing pauses, the box's change event is sent for it, so the answers are scored, and a value
// that cannot be used says why, while the box still has the focus. The value last sent is remembered, so leaving
// the box afterwards does not score the same answers again.
(function () {
  "use strict";
  var PAUSE_MS = 1200;
  var SCORED = "form[data-score-on-pause] input[type=text]";
  var timers = new WeakMap();
  var sent = new WeakMap();

  function scored(el) {
    return el instanceof HTMLInputElement && el.matches(SCORED);
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!scored(el)) {
      return;
    }
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () {
      timers.delete(el);
      if (el.isConnected && !el.disabled && sent.get(el) !== el.value) {
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }, PAUSE_MS));
  });

  // A box whose value cannot be used is marked invalid, as a step's box is (answer-validity.js), from its status
  // line, which each scoring draws again; and unmarked once its value is used (review 58).
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("form[data-score-on-pause] .saved-indicator[id^='status-']").forEach(function (status) {
      var fieldset = document.getElementById("q-" + status.id.slice(7));
      if (!fieldset) {
        return;
      }
      var refused = status.classList.contains("is-error");
      fieldset.classList.toggle("field--invalid", refused);
      fieldset.querySelectorAll("input[type=text]").forEach(function (input) {
        if (refused) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      });
    });
  });

  // Before htmx (on the form) sees it: the value it last scored goes no further.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!scored(el)) {
      return;
    }
    clearTimeout(timers.get(el));
    timers.delete(el);
    if (sent.get(el) === el.value) {
      event.stopPropagation();
    } else {
      sent.set(el, el.value);
    }
  }, true);
})();
