// A date box (input type=date) that holds something that is not a day (31 April, a year still being typed) sends
// nothing: the browser posts it empty, which a form reads as "no date", so a stored due date was wiped while the
// page said "Saved", and the history's filter dropped the date without a word (review 56). So a form is not sent
// while one of its date boxes holds what is not a day: the box is marked invalid and says so beside itself, and
// gets the focus. And a date box that saves on its change event (the due-diligence checklist) saves when it is
// left, not at each digit of a year being typed, which had stored years such as 0002 and 4202.
//
// A day outside the box's min and max (a year typed with a digit missing or over: 0202, 20266) is held the same
// way, with the range it takes beside it, rather than sent to be refused in a line under the form's button.
//
// A form with a date box is drawn without "novalidate", so without JavaScript the browser itself refuses to send
// what is not a day; with it, this script takes that over (novalidate on), saying so beside the box instead.
(function () {
  "use strict";
  var MESSAGE = "This is not a day in the calendar: enter one like 2026-05-15, or clear the box for no date.";

  function dateBox(el) {
    return el instanceof HTMLInputElement && el.type === "date";
  }

  // What is wrong with the date box's value, or null when nothing is (an empty box is no date, which is fine).
  function problem(el) {
    if (el.disabled || !el.validity) {
      return null;
    }
    if (el.validity.badInput) {
      return MESSAGE;
    }
    if (el.validity.rangeUnderflow || el.validity.rangeOverflow) {
      // In words, not as YYYY-MM-DD: the date picker shows the browser's own order (review 76).
      return "Enter a date from " + inWords(el.min) + " to " + inWords(el.max) + ", or clear the box for no date.";
    }
    return null;
  }

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"];

  // "2000-01-01" as "1 January 2000"; anything else as it is.
  function inWords(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return parts ? Number(parts[3]) + " " + MONTHS[Number(parts[2]) - 1] + " " + parts[1] : iso;
  }

  // The form's save status line, when it has one, says the form was not sent: it had still read "Saved" from the
  // save before, beside a date that was not saved (review 76).
  function notSent(form) {
    var status = form.querySelector(".saved-indicator");
    if (status) {
      status.classList.remove("is-saved");
      status.classList.add("is-error", "field__error");
      status.textContent = "Not saved: correct the date above, then save.";
    }
  }

  // Mark ``el`` with ``message`` beside it, or unmark it when ``message`` is null.
  function describe(el, message) {
    var id = (el.id || el.name) + "-not-a-day";
    var note = document.getElementById(id);
    var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== id; });
    if (message) {
      if (!note) {
        note = document.createElement("p");
        note.id = id;
        note.className = "field__error";
        note.setAttribute("role", "alert");
        el.insertAdjacentElement("afterend", note);
      }
      if (note.textContent !== message) {
        note.textContent = message;
      }
      ids.push(id);
      el.setAttribute("aria-invalid", "true");
    } else {
      if (note) {
        note.remove();
      }
      if (!el.closest(".field--invalid")) {
        el.removeAttribute("aria-invalid");
      }
    }
    if (ids.length) {
      el.setAttribute("aria-describedby", ids.join(" "));
    } else {
      el.removeAttribute("aria-describedby");
    }
  }

  // The first date box of ``form`` holding what is not a day it takes, marked; null when there is none.
  function notADay(form) {
    var bad = null;
    form.querySelectorAll("input[type=date]").forEach(function (el) {
      var wrong = problem(el);
      describe(el, wrong);
      if (wrong && !bad) {
        bad = el;
      }
    });
    return bad;
  }

  document.addEventListener("submit", function (event) {
    var bad = event.target instanceof HTMLFormElement && notADay(event.target);
    if (bad) {
      event.preventDefault();
      event.stopImmediatePropagation();
      notSent(event.target);
      bad.focus();
    }
  }, true);

  // A form htmx sends (on change or on submit) is held the same way.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt instanceof HTMLFormElement ? elt : elt && elt.closest && elt.closest("form");
    var bad = form && notADay(form);
    if (bad) {
      event.preventDefault();
      notSent(form);
      if (document.activeElement !== bad) {
        bad.focus();
      }
    }
  });

  // A date box that saves on its change event saves when it is left instead: its change events are held (a year
  // typed digit by digit changes it four times), and one is sent for it when the focus leaves it.
  var releasing = new WeakSet();
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!dateBox(el) || !el.form || !el.form.hasAttribute("data-hx-post")) {
      return;
    }
    if (releasing.has(el)) {
      releasing.delete(el);
      return;
    }
    event.stopPropagation();
    el.setAttribute("data-date-pending", "");
  }, true);

  document.addEventListener("focusout", function (event) {
    var el = event.target;
    if (dateBox(el) && el.hasAttribute("data-date-pending")) {
      el.removeAttribute("data-date-pending");
      releasing.add(el);
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  function takeOver(root) {
    root.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("input[type=date]")) {
        form.noValidate = true;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { takeOver(document); });
  } else {
    takeOver(document);
  }
  // Content htmx swaps in: from its parent, so a form that is itself the new content is found too.
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) {
      takeOver(event.target.parentElement || event.target);
    }
  });

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (dateBox(el) && !problem(el)) {
      describe(el, null);
    }
  });
})();
