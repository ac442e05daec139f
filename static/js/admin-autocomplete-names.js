// Django admin's autocomplete boxes (select2) show a combobox whose name points at an empty element, so a
// screen reader announced an unnamed control (axe: aria-input-field-name). Each box is named after the
// label of the <select> it replaces, now and for boxes added later (inline rows).
(function () {
  "use strict";

  function name(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var box = select.id && document.getElementById("select2-" + select.id + "-container");
    if (!label || !box || box.hasAttribute("aria-label")) {
      return;
    }
    if (!label.id) {
      label.id = select.id + "-label";
    }
    box.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
    var combobox = box.closest("[role=combobox]");
    if (combobox) {
      combobox.setAttribute("aria-labelledby", label.id + " " + box.id);
    }
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(name);
    // The two-list pickers' search icons (Django's SelectFilter2) are spans named by aria-label, which a span without
    // a role may not carry (axe aria-prohibited-attr, four on a provider's page; review 56): they are images.
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  window.addEventListener("load", function () {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  });
})();
