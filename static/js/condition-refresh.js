// Conditions in admin: the operators offered and the value box depend on the chosen question and
// operator, and the server builds them (apps/playbooks/condition_form.py). When either select changes,
// press the form's "Update value boxes" button: the page is posted, nothing is saved, and it comes back
// with what was typed and the fitting operators and value box. Without JavaScript the button is pressed by hand.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !/-(subject|operator)$/.test(select.name)) {
      return;
    }
    var group = select.closest(".js-condition-inline");
    var button = group && group.querySelector("button[name=_refresh_conditions]");
    if (button && select.form) {
      select.form.requestSubmit(button);
    }
  });
})();
