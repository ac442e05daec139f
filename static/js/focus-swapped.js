// A part of the page swapped in by htmx in answer to the reader's own action (a checklist item's "Update", which
// opens its form in place of the item) takes the focus at its element marked data-focus-on-swap: the link that was
// pressed is gone with the content it replaced, so the focus fell to the page's start and the next Tab skipped the
// form just opened (review 61).
(function () {
  "use strict";
  // Opened as a page of its own (the link followed before htmx was ready, or without it: "?edit=" and the item's
  // anchor), the form takes the focus the same way.
  function onLoad() {
    var target = /[?&]edit=/.test(window.location.search) && document.querySelector("[data-focus-on-swap]");
    if (target && (document.activeElement === document.body || !document.activeElement)) {
      target.focus({ preventScroll: true });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onLoad);
  } else {
    onLoad();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (!(root instanceof Element)) {
      return;
    }
    var target = root.matches("[data-focus-on-swap]") ? root : root.querySelector("[data-focus-on-swap]");
    if (target && root.isConnected && (document.activeElement === document.body || !document.activeElement)) {
      target.focus();
    }
  });
})();
