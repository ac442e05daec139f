// A typed answer (a number or a short text) is saved when its box is left, by htmx on the box's change event. A
// buyer who types and then reloads, or closes the tab, without leaving the box lost what they typed (review 41). So
// once typing pauses, the box's change event is sent for it: htmx saves the answer then, and its trigger's
// "changed" modifier keeps the later leaving of the box from saving the same value twice. A page being hidden (a
// reload, a closed tab, another app on a phone) sends it at once.
(function () {
  "use strict";
  var PAUSE_MS = 1200;
  var timers = new WeakMap();

  function typed(el) {
    return el instanceof HTMLInputElement && el.type === "text" && el.hasAttribute("data-hx-post");
  }

  function send(el) {
    clearTimeout(timers.get(el));
    timers.delete(el);
    if (!el.disabled && el.isConnected) {
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!typed(el)) {
      return;
    }
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () { send(el); }, PAUSE_MS));
  });

  document.addEventListener("change", function (event) {
    // The box was left (or the pause's own event): nothing more is pending for it.
    if (typed(event.target)) {
      clearTimeout(timers.get(event.target));
      timers.delete(event.target);
    }
  });

  document.addEventListener("visibilitychange", function () {
    var el = document.activeElement;
    if (document.visibilityState === "hidden" && typed(el) && timers.has(el)) {
      send(el);
    }
  });
})();
