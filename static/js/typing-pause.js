// A typed answer (a number or a short text) is saved by htmx on the box's change event, which the browser sends
// when the box is left. A buyer who typed and then reloaded, or closed the tab, without leaving the box lost what
// they typed (review 41). So once typing pauses, the box's change event is sent for it, and a page being hidden
// (a reload, a closed tab, another app on a phone) sends it at once.
//
// Each box remembers the last value the server confirmed (a 2xx answer to its save) and the value of a save under
// way. Leaving the box sends its change event again only for a value neither confirms nor is being saved, so a
// value already saved is not saved twice, while one whose save failed (a 503 during an outage, no network) is sent
// again when the box is left or the page hidden (review 44: a value whose pause-save failed was never re-sent).
//
// What is typed is also kept in the tab's session storage until the server confirms it: a reload right after typing
// raced its own save and drew the old value, which "Save and continue" then wrote back (review 45). A page drawn with
// a kept value other than its own puts the typed one back in its box and saves it.
(function () {
  "use strict";
  var PAUSE_MS = 1200;
  var TYPED = "input[type=text][data-hx-post]";  // a box whose typed answer autosaves
  var timers = new WeakMap();
  var confirmed = new WeakMap();
  var pending = new WeakMap();

  function typed(el) {
    return el instanceof HTMLInputElement && el.matches(TYPED);
  }

  // The kept value of a box, by its save address (the assessment and the question).
  function draftKey(el) {
    return "kpo-typed:" + el.getAttribute("data-hx-post");
  }

  // The stamp of the answer the server held when the box was drawn or last saved (its "loaded" field, when and what
  // it was): kept with the typed value, so a value typed over one answer is never put back over a later one.
  function stampOf(el) {
    var field = document.getElementById("loaded-" + el.id.replace(/^input-/, ""));
    return field ? field.value : "";
  }

  function keep(el) {
    var kept = readKept(el);
    // The stamp of the answer the typing started from: a save confirmed since forgets the value kept.
    var stamp = kept ? kept.s : stampOf(el);
    try {
      sessionStorage.setItem(draftKey(el), JSON.stringify({ v: el.value, s: stamp }));
    } catch (e) { /* storage full or off: the saves still run */ }
  }

  function readKept(el) {
    var raw = null;
    try { raw = sessionStorage.getItem(draftKey(el)); } catch (e) { return null; }
    if (raw === null) {
      return null;
    }
    try {
      var kept = JSON.parse(raw);
      if (kept && typeof kept.v === "string") {
        return kept;
      }
    } catch (e) { /* kept by an older page: the value alone */ }
    return { v: raw, s: undefined };
  }

  function forget(el, value) {
    try {
      var kept = readKept(el);
      if (kept !== null && (value === undefined || kept.v === value)) {
        sessionStorage.removeItem(draftKey(el));
      }
    } catch (e) { /* nothing kept */ }
  }

  function restore() {
    document.querySelectorAll(TYPED).forEach(function (el) {
      var kept = readKept(el);
      if (kept === null || el.disabled) {
        return;
      }
      if (kept.v === el.value) {
        forget(el);  // the server already holds it
        return;
      }
      if (kept.s !== undefined && kept.s !== stampOf(el)) {
        // The answer changed after the value was typed (a colleague's save, or one's own elsewhere): it is not put
        // back over it, and the box says what was not saved (review 68: 6000 typed while signed out replaced a
        // colleague's later 9999 without a word).
        forget(el);
        var status = document.getElementById("status-" + el.id.replace(/^input-/, ""));
        if (status) {
          status.textContent = "Not put back: you had typed “" + kept.v + "” here and it was not saved; the answer " +
            "has changed since. Type it again if it should replace this one.";
        }
        return;
      }
      confirmed.set(el, el.defaultValue);
      el.value = kept.v;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
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
    keep(el);
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
      forget(el, sent);
    }
  });

  // A whole step sent with its button carries every box's value. What was typed is kept until the next page shows
  // whether the step was taken. A session that had ended sends the step to the sign-in page unsaved, and signing in
  // comes back to the step: there, arriving from the sign-in page, the kept values are put back and saved (review 66:
  // they had been forgotten as the step was sent). Any other next page (the next step, or the step refused and drawn
  // with what was sent) means it was taken: the kept values are forgotten, so none can later write over a colleague's.
  var SENT = "kpo-sent:";

  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll(TYPED).forEach(function (el) {
      try { sessionStorage.setItem(SENT + draftKey(el), "1"); } catch (e) { forget(el); }
    });
    keepChoices(event.target);
  });

  // Choices (radio buttons and ticked boxes) changed on a step are kept the same way when the step is sent, with the
  // stamp of the answer they were made over, so a step sent after the session ended gets them back after signing in
  // too (review 71: typed numbers came back, choices did not).
  var CHOICE = "input[type=radio][data-hx-post], input[type=checkbox][data-hx-post]";
  var CHOSEN = "kpo-chosen:";

  function groups(root) {
    var byName = {};
    root.querySelectorAll(CHOICE).forEach(function (el) {
      (byName[el.name] = byName[el.name] || []).push(el);
    });
    return byName;
  }

  function loadedStamp(name) {
    var field = document.getElementById("loaded-" + name);
    return field ? field.value : "";
  }

  function keepChoices(form) {
    var byName = groups(form);
    Object.keys(byName).forEach(function (name) {
      var inputs = byName[name];
      var changed = inputs.some(function (el) { return el.checked !== el.defaultChecked; });
      if (!changed) {
        return;
      }
      var key = CHOSEN + inputs[0].getAttribute("data-hx-post");
      var chosen = inputs.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
      try {
        sessionStorage.setItem(key, JSON.stringify({ c: chosen, s: loadedStamp(name) }));
        sessionStorage.setItem(SENT + key, "1");
      } catch (e) { /* storage full or off: the step is still sent */ }
    });
  }

  function restoreChoices() {
    var byName = groups(document);
    Object.keys(byName).forEach(function (name) {
      var inputs = byName[name];
      var key = CHOSEN + inputs[0].getAttribute("data-hx-post");
      var kept = null;
      try { kept = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { kept = null; }
      try { sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ }
      if (!kept || !Array.isArray(kept.c) || inputs.some(function (el) { return el.disabled; })) {
        return;
      }
      if (kept.s !== loadedStamp(name)) {
        var status = document.getElementById("status-" + name);
        if (status) {
          status.textContent = "Not put back: the choice you had made here was not saved; the answer has changed " +
            "since. Choose again if it should replace this one.";
        }
        return;
      }
      var changed = null;
      inputs.forEach(function (el) {
        var on = kept.c.indexOf(el.value) !== -1;
        if (el.checked !== on) {
          el.checked = on;
          changed = changed || el;
        }
      });
      if (changed) {
        changed.dispatchEvent(new Event("change", { bubbles: true }));  // htmx saves it, the group included
      }
    });
  }

  function settleSent() {
    var back = false;
    try { back = new URL(document.referrer).pathname.indexOf("/accounts/login/") === 0; } catch (e) { back = false; }
    try {
      var keys = [];
      for (var i = 0; i < sessionStorage.length; i++) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(SENT) === 0) {
          keys.push(key);
        }
      }
      keys.forEach(function (key) {
        sessionStorage.removeItem(key);
        if (!back) {
          sessionStorage.removeItem(key.slice(SENT.length));
        }
      });
    } catch (e) { /* nothing kept */ }
  }

  // After htmx has set up the boxes' saves, which it does when the document is ready (DOMContentLoaded), with a
  // listener added before this one. A deferred script runs while the state is already "interactive" but before that
  // event, and a timer set then can fire first when a later script is slow to arrive: the put-back's change then
  // reached boxes htmx had not set up, and nothing was saved (the flaky put-back after signing in, under load).
  function restoreSoon() { setTimeout(function () { settleSent(); restore(); restoreChoices(); }, 0); }
  var navigation = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var ready = document.readyState === "complete" || (navigation && navigation.domContentLoadedEventStart > 0);
  if (ready) {
    restoreSoon();
  } else {
    document.addEventListener("DOMContentLoaded", restoreSoon);
  }

  document.addEventListener("visibilitychange", function () {
    var el = document.activeElement;
    if (document.visibilityState === "hidden" && typed(el)) {
      send(el);
    }
  });
})();
