// A due-diligence item's form saves when typing pauses (htmx, "input delay:1200ms"). Leaving the page before the pause
// is over (the browser's Back, a link) would drop what was typed since (review 73): a form typed in and not yet saved
// is sent as the page goes, with a beacon, which the browser delivers after the page has gone.
(function () {
  "use strict";
  var FORMS = "form.dd-form[data-hx-post]";
  var typedIn = new WeakSet();

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest(FORMS);
    if (form) {
      typedIn.add(form);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.matches && form.matches(FORMS)) {
      typedIn.delete(form);  // this save carries what was typed
    }
  });

  window.addEventListener("pagehide", function () {
    document.querySelectorAll(FORMS).forEach(function (form) {
      if (typedIn.has(form) && navigator.sendBeacon) {
        navigator.sendBeacon(form.getAttribute("data-hx-post"), new FormData(form));
        typedIn.delete(form);
      }
    });
  });
})();
