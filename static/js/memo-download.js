// The decision memo is drawn by the background worker the first time it is asked for. With JavaScript the
// memo button asks for it without leaving the page: the answer is a status fragment swapped into
// #memo-status, which polls every two seconds (htmx) until the memo is stored, then the file downloads by
// itself. Without JavaScript the button opens a status page that refreshes itself and then downloads; opened with
// JavaScript, that page polls its fragment the same way and downloads when the memo is stored.
(function () {
  "use strict";
  // Set by a click, so a memo only downloads by itself when this page asked for it; the memo's own status
  // page (data-memo-page) was opened to get the memo, so there it downloads once ready.
  var wanted = document.querySelector("[data-memo-page]") !== null;

  function ask(link) {
    var status = document.getElementById(link.getAttribute("data-memo-status") || "memo-status");
    if (!status || !window.htmx) {
      window.location.assign(link.href);
      return;
    }
    wanted = true;
    status.textContent = "Asking for the decision memo…";
    window.htmx.ajax("GET", link.href, { target: status, swap: "outerHTML" });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-memo-status], a[data-memo-retry]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    ask(link.hasAttribute("data-memo-retry") ? document.querySelector("a[data-memo-status]") || link : link);
  });

  // The fragment that says the memo is stored carries a plain link to the file: follow it once.
  document.addEventListener("htmx:afterSwap", function () {
    var ready = document.querySelector("#memo-status a[data-memo-ready]");
    if (ready && wanted) {
      wanted = false;
      ready.click();
    }
  });
})();
