// A typed answer (a number or a short text) is saved by htmx on the box's change event, which the browser sends
// when the box is left. A buyer who typed and then reloaded, or closed the tab, without leaving the box lost what
// they typed (review 41). So once typing pauses, the box's change event is sent for it, and a page being hidden
// (a reload, a closed tab, another app on a phone) sends it at once.
//
// Each box remembers the last value the server confirmed (a 2xx answer to its save) and the value of a save under
// way. Leaving the box sends its change event again only for a value neither confirms nor is being saved, so a
// value already saved is not saved twice, while one whose save failed (a 503 during an outage, no network) is sent
// again when the box is left or the page hidden (review 44: a value whose pause-save failed was never re-sent).
(function () {
  "use strict";
  var PAUSE_MS = 1200;
  var timers = new WeakMap();
  var confirmed = new WeakMap();
  var pending = new WeakMap();

  function typed(el) {
    return el instanceof HTMLInputElement && el.type === "text" && el.hasAttribute("data-hx-post");
  }

  function settled(el) {
    // The value is the one the server holds, or the one on its way there.
    var value = el.value;
    return (confirmed.has(el) && confirmed.get(el) === value) || (pending.has(el) && pending.get(el) === value);
  }

  function send(el) {
    clearTimeout(timers.get(el));
    timers.delete(el);
    if (!el.disabled && el.isConnected && !settled(el)) {
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  // The value a box had when it was drawn is what the server holds.
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (typed(el) && !confirmed.has(el)) {
      confirmed.set(el, el.defaultValue);
    }
  });

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!typed(el)) {
      return;
    }
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () { send(el); }, PAUSE_MS));
  });

  // Before htmx (on the box itself) sees it: a change for a value already saved, or being saved, goes no further.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!typed(el)) {
      return;
    }
    clearTimeout(timers.get(el));
    timers.delete(el);
    if (settled(el)) {
      event.stopPropagation();
    } else {
      pending.set(el, el.value);  // htmx saves it now, or after the save ahead of it in the form's queue
    }
  }, true);

  // Leaving a box whose value is neither saved nor being saved (its last save failed) sends it again.
  document.addEventListener("focusout", function (event) {
    var el = event.target;
    if (typed(el) && confirmed.has(el)) {
      send(el);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail && event.detail.elt;
    if (typed(el)) {
      pending.set(el, el.value);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail && event.detail.elt;
    if (!typed(el)) {
      return;
    }
    var sent = pending.get(el);
    pending.delete(el);
    var xhr = event.detail.xhr;
    if (event.detail.successful && xhr && xhr.status >= 200 && xhr.status < 300) {
      confirmed.set(el, sent);
    }
  });

  document.addEventListener("visibilitychange", function () {
    var el = document.activeElement;
    if (document.visibilityState === "hidden" && typed(el)) {
      send(el);
    }
  });
})();
