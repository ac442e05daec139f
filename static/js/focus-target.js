// A page opened at one of its comments (#comment-12: where posting a comment or a reply lands) puts the focus on that
// comment, so a keyboard or screen reader user goes on from what they just posted, not from the top of a long page
// (review 117: after "Post comment" the focus was on the skip link, many screens above the comment).
(function () {
  "use strict";
  function onLoad() {
    var match = /^#(comment-\d+)$/.exec(window.location.hash);
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
