// Django admin's autocomplete boxes (select2) show a combobox whose name points at an empty element, so a
// screen reader announced an unnamed control (axe: aria-input-field-name). Each box is named after the
// label of the <select> it replaces, now and for boxes added later (inline rows).
(function () {
  "use strict";

  function name(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var box = select.id && document.getElementById("select2-" + select.id + "-container");
    // A table row's box has no <label>, only its own aria-label ("Function, rate 2"; RowLabelledFormSet): a row
    // drawn again with its choice refused, the box empty, had no name at all (review 174).
    var text = label ? label.textContent.replace(/:\s*$/, "").trim() : select.getAttribute("aria-label") || "";
    if (!text || !box || box.hasAttribute("aria-label")) {
      return;
    }
    box.setAttribute("aria-label", text);
    var combobox = box.closest("[role=combobox]");
    if (!combobox) {
      return;
    }
    if (label) {
      if (!label.id) {
        label.id = select.id + "-label";
      }
      combobox.setAttribute("aria-labelledby", label.id + " " + box.id);
    } else {
      combobox.setAttribute("aria-labelledby", box.id);
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
