"""The audit trail's admin pages against hostile parameters: pghistory's list loaded any installed model named in
``obj`` or ``model`` and printed the row's name as its heading (a member's email, another organisation's webhook
URL), answered 500 for a row or an event model that is not there, and drew any ``back`` as its Back link; the
audited admins' History page answered 500 for an id that is not a number. The obligations CSV guards every cell."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.compliance.models import Regime
from apps.playbooks.models import Playbook
from tests.factories import RegimeFactory

pytestmark = pytest.mark.django_db
EVENTS = "/admin/pghistory/events/"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_the_audit_list_names_only_audited_rows_and_refuses_anything_else_with_a_4xx(
    curator_client: Client, buyer: User, organisation: Organisation
) -> None:
    regime = RegimeFactory()
    refused = {
        f"obj=accounts.user:{buyer.pk}": 400,  # not an audited model: its row's name is never loaded
        f"obj=accounts.organisation:{organisation.pk}&method=tracks": 400,
        "obj=compliance.regime:abc": 400,
        "obj=compliance.regime:1_0": 400,
        "obj=compliance.regime": 400,
        "obj=compliance.regime:999999999": 404,
        "model=accounts.user": 400,
        "model=nothing": 400,
        "event_model=garbage": 400,
        "event_model=accounts.user": 400,
        "model=compliance.regime&back=https://evil.test/": 400,
        "model=compliance.regime&back=//evil.test/admin/": 400,
        "model=compliance.regime&back=javascript:alert(1)": 400,
        "model=compliance.regime&back=/admin/../accounts/": 400,  # a browser resolves it out of /admin/
        "model=compliance.regime&back=/admin/%2e%2e/%2e%2e/evil": 400,
        f"obj=compliance.regime:{regime.pk}&method=bogus": 400,
        f"obj=compliance.regime:{regime.pk}&obj=compliance.regime:{regime.pk}": 400,
    }
    for query, status in refused.items():
        response = curator_client.get(f"{EVENTS}?{query}")
        assert response.status_code == status, (query, response.status_code)
        body = response.content.decode()
        assert buyer.email not in body and organisation.name not in body, query
    for query in (
        f"obj=compliance.regime:{regime.pk}&method=tracks",
        f"obj=compliance.regime:{regime.pk}&method=tracks&back=/admin/compliance/regime/{regime.pk}/change/",
        "model=compliance.regime",
        "event_model=compliance.regimeevent",
        "",
    ):
        response = curator_client.get(f"{EVENTS}?{query}")
        assert response.status_code == 200, (query, response.status_code)
    # A refusal leads back to the audit trail, not to the buyers' home page.
    refusal = curator_client.get(f"{EVENTS}?event_model=garbage").content.decode()
    assert f'href="{EVENTS}">Go to the audit trail</a>' in refusal and "Go to the home page" not in refusal
    page = curator_client.get(f"{EVENTS}?obj=compliance.regime:{regime.pk}&method=tracks").content.decode()
    assert regime.name in page


def test_an_audited_admins_history_for_an_id_that_is_not_one_is_404_not_500(
    curator_client: Client, playbook: Playbook
) -> None:
    regime = RegimeFactory()
    assert curator_client.get(reverse("admin:compliance_regime_history", args=[regime.pk])).status_code == 200
    for path in (
        "/admin/vendors/vendor/abc/history/",
        "/admin/vendors/vendor/1%00/history/",
        "/admin/compliance/regime/abc/history/",
        "/admin/playbooks/playbook/abc/history/",
        f"/admin/compliance/regime/{Regime.objects.order_by('-pk').values_list('pk', flat=True)[0] + 1}/history/",
        f"/admin/compliance/regime/{str(regime.pk).translate(FULL_WIDTH)}/history/",  # "１" opened row 1
    ):
        assert curator_client.get(path).status_code == 404, path
    # An audit event's own pages, addressed by an event model and id: another model there answered 500.
    for path in (
        "/admin/pghistory/events/accounts.user:1/change/",
        "/admin/pghistory/events/accounts.user:1/history/",
        "/admin/pghistory/events/compliance.regimeevent:abc/change/",
    ):
        assert curator_client.get(path).status_code == 404, path


def test_every_cell_of_the_obligations_csv_is_guarded_against_formulas(
    buyer_client: Client, organisation: Organisation, buyer: User, reference: Playbook
) -> None:
    from tests.recommendations.conftest import recommend
    from tests.recommendations.test_snapshot import store

    rec = recommend(reference, organisation, buyer, "UK law firm: one-off contract review")
    document = rec.snapshot
    regime = document["evaluation"]["regimes"][0]
    regime["name"] = "=HYPERLINK(1)"
    obligation = regime["obligations"][0][2][0]
    obligation["citation"] = "+SUM(1)"
    obligation["source_url"] = "@cmd"
    obligation["confidence"] = "-1"
    stored = store(document, organisation=organisation, user=buyer, playbook=reference)
    body = buyer_client.get(reverse("recommendations:obligations_csv", args=[stored.pk])).content.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["regime"] == "'=HYPERLINK(1)" and row["citation"] == "'+SUM(1)"
    assert row["source"] == "'@cmd" and row["confidence"] == "'-1"


def test_an_admin_action_on_a_selected_id_that_is_not_one_is_400_and_does_nothing(
    curator_client: Client, playbook: Playbook
) -> None:
    # Review 134: "abc" answered 500 from the action's filter, and an Arabic-Indic "١" was taken for id 1.
    from apps.vendors.models import Vendor
    from tests.vendors.factories import VendorFactory

    vendor = VendorFactory()
    before = Vendor.objects.count()
    arabic = str(vendor.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for path, action, selected in (
        ("/admin/playbooks/playbook/", "publish", ["abc"]),
        ("/admin/playbooks/playbook/", "publish", [str(playbook.pk), "abc"]),
        ("/admin/vendors/vendor/", "delete_selected", ["abc"]),
        ("/admin/vendors/vendor/", "delete_selected", [arabic]),
        ("/admin/vendors/vendor/", "delete_selected", [f"{vendor.pk}\x00"]),
    ):
        response = curator_client.post(path, {"action": action, "_selected_action": selected, "post": "yes"})
        assert response.status_code == 400, (path, selected)
        if "\x00" not in selected[-1]:  # a NUL is refused before, by the hostile-input check
            assert "One of the selected rows is not an id of this list" in response.content.decode(), selected
    assert Vendor.objects.count() == before
    # A real id still reaches the action (its confirmation page).
    ok = curator_client.post("/admin/vendors/vendor/", {"action": "delete_selected", "_selected_action": [vendor.pk]})
    assert ok.status_code == 200 and "Are you sure" in ok.content.decode()


def test_the_playbooks_list_offers_no_bulk_delete(curator_client: Client, playbook: Playbook) -> None:
    # Review 137: delete_selected on published versions walked every rule for a minute, then a 503.
    page = curator_client.get("/admin/playbooks/playbook/").content.decode()
    assert 'value="delete_selected"' not in page and 'value="publish"' in page
    response = curator_client.post(
        "/admin/playbooks/playbook/", {"action": "delete_selected", "_selected_action": [playbook.pk], "post": "yes"}
    )
    assert Playbook.objects.filter(pk=playbook.pk).exists()
    # Said in words, not Django's "No action selected." (review 143).
    assert response.status_code == 400 and "That action is not offered on this list" in response.content.decode()
    # The actions it offers still run, and a list's own "no action chosen" is Django's as before.
    # A forged action sent beside an offered one, Django reading the one at "index" (review 149).
    both = curator_client.post(
        "/admin/playbooks/playbook/",
        {"action": ["publish", "delete_selected"], "index": "1", "_selected_action": [playbook.pk], "post": "yes"},
    )
    assert both.status_code == 400 and Playbook.objects.filter(pk=playbook.pk).exists()
    none = curator_client.post("/admin/playbooks/playbook/", {"action": "", "_selected_action": [playbook.pk]})
    assert none.status_code in (200, 302)
