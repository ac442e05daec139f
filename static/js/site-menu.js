// The narrow screen's menu is a <details> element, so it opens and closes without JavaScript. With it, Escape
// closes the open menu from anywhere inside it and puts focus back on its "Menu" button, as a disclosure menu is
// expected to.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menu = event.target instanceof Element ? event.target.closest("details.site-menu[open]") : null;
    if (!menu) {
      return;
    }
    menu.open = false;
    var toggle = menu.querySelector("summary");
    if (toggle) {
      toggle.focus();
    }
  });
})();
