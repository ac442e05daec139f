// A page opened at what a form just added or changed (#comment-12 where posting a comment or a reply lands,
// #vendor-<code> after adding a provider to the long list, #entry-3 and #item-7 on the shortlist and its checklist,
// #invitation-5 after inviting a colleague), or at a question the review page's "Answer it" sends the buyer to
// (#q-<code>: its legend is read out and Tab goes on to its first box; review 172), puts the focus on it, so a
// keyboard or screen reader user goes on from what they just did, not from the top of a long page (review 117: after
// "Post comment" the focus was on the skip link, many screens above the comment; review 120: after adding a provider
// or inviting someone it was on the page).
(function () {
  "use strict";
  function onLoad() {
    var match = /^#((?:comment|entry|item|invitation)-\d+|vendor-[a-z0-9-]+|q-[A-Za-z0-9_]+)$/.exec(window.location.hash);
    var target = match && document.getElementById(match[1]);
    if (!target || (document.activeElement && document.activeElement !== document.body)) {
      return;
    }
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onLoad);
  } else {
    onLoad();
  }
})();
