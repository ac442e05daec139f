// A page showing background work in progress (an element with data-refresh-while-working) checks again every
// two seconds without reloading itself: it fetches the page and puts the new #content-main in place, so the
// reader's place and focus are kept until there is something new to read. Without JavaScript the page's
// <noscript> refresh reloads it instead.
(function () {
  "use strict";
  var EVERY = 2000;

  function check() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("content-main");
        var here = document.getElementById("content-main");
        if (!fresh || !here) {
          return;
        }
        var working = fresh.querySelector("[data-refresh-while-working]");
        var shown = here.querySelector("[data-refresh-while-working]");
        if (!working || !shown) {
          here.replaceWith(document.adoptNode(fresh));
          return;
        }
        if (working.textContent !== shown.textContent) {
          shown.replaceWith(document.adoptNode(working));
        }
        window.setTimeout(check, EVERY);
      })
      .catch(function () {
        window.setTimeout(check, EVERY * 2);
      });
  }

  if (document.querySelector("[data-refresh-while-working]")) {
    window.setTimeout(check, EVERY);
  }
})();
