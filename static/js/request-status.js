// What the page says about its htmx requests. htmx swaps no 5xx answer (the htmx-config meta in base.html)
// and nothing when the network fails, so without this the page would go on showing what it showed
// before, as if the request had worked: an old "Saved" beside text that never reached the server, or a
// what-if result for answers the form no longer holds.
//
// A save status is an element marked data-save-status (an answer's status line, a checklist item's):
// while its save is on the way it says "Saving…", never an earlier "Saved"; a save that gets a 5xx,
// no answer or a timeout shows the words in its data-save-status (the save is not confirmed, and what
// to do). A 2xx or 4xx answer replaces the element with the server's own status.
//
// Any other htmx request that fails puts a notice (role=alert) at the start of its target, or after it
// when the target holds no block, with a "Try again" button, and marks the target out of date
// (.is-stale, and the notice's words, not colour alone) until a request for that target succeeds.
// The target's data-failed-message, where it has one, gives the notice's words.
//
// A 4xx whose body is a whole page (a refusal made before the request reached its view) is never swapped
// into a part of the page: it is shown as that part's failure. And a request whose target is gone puts a
// notice after the element that made it, saying the change was not sent, instead of dropping it unsaid.
(function () {
  "use strict";
  var SAVE_FAILED =
    "Not confirmed: the service could not be reached, so this may not be saved yet. Try again in a moment.";
  var UNREACHABLE = "the service could not be reached";
  var DATABASE_DOWN = "KPO Advisor can't reach its database right now";
  var REQUEST_FAILED =
    "Couldn't reach KPO Advisor, so this part of the page was not updated and may be out of date. " +
    "Try again in a moment.";
  var BLOCKS = /^(ARTICLE|ASIDE|DD|DIV|FORM|LI|MAIN|SECTION|TD|TH)$/; // not DETAILS or FIELDSET: their summary or legend comes first
  var before = new WeakMap(); // save status -> what it showed before "Saving…"
  var notices = new WeakMap(); // target -> its notice

  function targetOf(event) {
    var target = event.detail && event.detail.target;
    return target instanceof Element ? target : null;
  }

  function isSaveStatus(element) {
    return element.hasAttribute("data-save-status");
  }

  function show(status, className, role, text) {
    status.className = className;
    status.setAttribute("role", role);
    status.textContent = text;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = targetOf(event);
    if (target && isSaveStatus(target)) {
      before.set(target, [target.className, target.getAttribute("role") || "status", target.textContent]);
      show(target, "saved-indicator is-saving", "status", "Saving…");
    }
  });

  // ``said``: the server's own words for the failure (a signed-out request's 401), in place of the page's.
  function failed(event, said) {
    var target = targetOf(event);
    if (!target) {
      return;
    }
    var xhr = event.detail && event.detail.xhr;
    if (said && isSaveStatus(target)) {
      show(target, "saved-indicator is-error field__error", "alert", said);
      return;
    }
    if (isSaveStatus(target)) {
      // A 503 is the server saying it cannot reach its database, not a service out of reach (review 61: it had
      // answered). Still "not confirmed": a save committed just before the database went can be answered 503.
      var words = target.getAttribute("data-save-status") || SAVE_FAILED;
      if (xhr && xhr.status === 503) {
        words = words.replace(UNREACHABLE, DATABASE_DOWN);
      }
      show(target, "saved-indicator is-error field__error", "alert", words);
      return;
    }
    var notice = notices.get(target);
    if (notice && said) {
      notice.remove();
      notice = null;
    }
    if (!notice || !notice.isConnected) {
      notice = noticeFor(event.detail.requestConfig, event.detail.etc, target, said);
      notices.set(target, notice);
      if (BLOCKS.test(target.tagName)) {
        target.insertBefore(notice, target.firstChild);
      } else {
        target.insertAdjacentElement("afterend", notice);
      }
    }
    target.classList.add("is-stale");
  }

  function noticeFor(request, etc, target, said) {
    var notice = document.createElement("div");
    notice.className = "message message--error request-failed";
    notice.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = said || target.getAttribute("data-failed-message") || REQUEST_FAILED;
    notice.appendChild(text);
    if (!said && request && request.verb && request.path && request.elt && window.htmx) {
      var again = document.createElement("button");
      again.type = "button";
      again.className = "button button--secondary button--small";
      again.textContent = "Try again";
      again.addEventListener("click", function () {
        // The same request from the same element: its values, target and swap, as when it was first made
        // (a request made by htmx.ajax, as the memo button's, names its swap itself: etc.swapOverride).
        var swap = etc && etc.swapOverride;
        window.htmx.ajax(request.verb, request.path, { source: request.elt, target: target, swap: swap || undefined });
      });
      notice.appendChild(again);
    }
    return notice;
  }

  var WHOLE_PAGE = /^\s*<!doctype html/i;
  var NOT_SENT = "Not sent: this part of the page is out of date, so this change was not saved. Reload the page.";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400 && WHOLE_PAGE.test(xhr.responseText || "")) {
      event.detail.shouldSwap = false;
      failed(event);
    }
  });

  document.addEventListener("htmx:targetError", function (event) {
    var elt = event.target instanceof Element ? event.target : null;
    if (!elt || (elt.nextElementSibling && elt.nextElementSibling.classList.contains("request-not-sent"))) {
      return;
    }
    var notice = document.createElement("p");
    notice.className = "field__error request-not-sent";
    notice.setAttribute("role", "alert");
    notice.textContent = NOT_SENT;
    elt.insertAdjacentElement("afterend", notice);
  });

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

  // The session ended under the page (signed out in another tab, or timed out): the server answers 401 with words
  // for the reader and nothing to swap (kpo_advisor/middleware.py). They go where a failure's words go: the save's
  // status, or a notice at the start of the target, which keeps what it held (review 63: a checklist item had been
  // replaced by the message), marked out of date. Then the page's other requests fail the same way until it is
  // reloaded, since signing in again gives the session a new form token.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 401 && xhr.getResponseHeader("X-Signed-Out")) {
      failed(event, xhr.responseText);
      // What-if's gist at the foot of a phone's screen showed the last result as if the new answer had been
      // scored (review 63): it says it was not, with the way up to the message.
      var glance = document.getElementById("whatif-glance");
      if (glance && !glance.hidden) {
        var link = glance.querySelector("a");
        glance.textContent = "Not scored: you were signed out. ";
        if (link) {
          glance.appendChild(link);
        }
      }
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var target = targetOf(event);
    var xhr = event.detail && event.detail.xhr;
    if (!target || event.detail.successful !== true || (xhr && xhr.getResponseHeader("X-Signed-Out"))) {
      return;
    }
    // A save answered with nothing to swap (a 204) leaves its status as it was before.
    var was = before.get(target);
    if (was && target.isConnected && target.classList.contains("is-saving")) {
      show(target, was[0], was[1], was[2]);
    }
    var notice = notices.get(target);
    if (notice) {
      notice.remove();
      notices.delete(target);
    }
    target.classList.remove("is-stale");
  });
})();

// A page drawn in answer to a form sent by POST (a step that came back with its errors): its history entry becomes
// a plain visit to the same address, so going Back to it later loads the page again (the answers kept are the
// saved ones) instead of the browser's "Confirm Form Resubmission".
(function () {
  "use strict";
  // A value names the page's own address to use instead (a refused submit is the review page, a refused short-list
  // the providers page): Back to it then loads that page, not the address that only takes a form (review 63).
  var body = document.body;
  if (body && body.hasAttribute("data-post-result") && window.history.replaceState) {
    var own = body.getAttribute("data-post-result");
    var local = own && own.charAt(0) === "/" && own.charAt(1) !== "/" && own.charAt(1) !== "\\";
    window.history.replaceState(window.history.state, "", local ? own : window.location.href);
    // An address with a #fragment stops the browser's own autofocus: the box the page marks for it (the reason of a
    // refused settle) is focused here instead (review 88: focus was left on the page).
    var marked = document.querySelector("[autofocus]");
    if (marked && !document.querySelector("[data-error-summary]")) {
      window.addEventListener("load", function () {
        if (document.activeElement !== marked) {
          marked.focus();
        }
      });
    }
  }
})();
