"""The decision status where recommendations are listed and printed: history (filter, column, CSV), the
memo and the API. One rule derives it (apps/signoff/status.py); each place is checked against it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.api.services import create_api_key
from apps.playbooks.models import Playbook
from apps.recommendations import memo
from apps.recommendations.models import Recommendation
from tests.signoff.conftest import decide, require_approval, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def four(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> dict[str, Recommendation]:
    """One recommendation in each status."""
    recs = {"not_required": stored(organisation, buyer, playbook, "Before sign-off")}
    require_approval(organisation)
    recs["awaiting"] = stored(organisation, buyer, playbook, "Still waiting")
    recs["approved"] = stored(organisation, buyer, playbook, "Good to go")
    recs["rejected"] = stored(organisation, buyer, playbook, "Sent back")
    decide(approver_client, recs["approved"], "approved")
    decide(approver_client, recs["rejected"], "rejected", "Data class is wrong")
    return recs


def test_history_filters_by_decision_status_and_shows_it(buyer_client: Client, four: dict[str, Recommendation]) -> None:
    url = reverse("recommendations:history")
    for status, rec in four.items():
        page = buyer_client.get(url, {"decision": status})
        assert page.status_code == 200
        assert [r.pk for r in page.context["page"].object_list] == [rec.pk], status
    everything = buyer_client.get(url).content.decode()
    for label in ("No sign-off needed", "Awaiting approval", "Approved", "Rejected"):
        assert label in everything


def test_the_history_csv_has_the_decision_status_column(buyer_client: Client, four: dict[str, Recommendation]) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(buyer_client.get(reverse("recommendations:history_csv")).content.decode("utf-8-sig"))
        )
    )
    assert {int(r["id"]): r["decision_status"] for r in rows} == {rec.pk: s for s, rec in four.items()}
    only = buyer_client.get(reverse("recommendations:history_csv"), {"decision": "rejected"}).content.decode(
        "utf-8-sig"
    )
    assert [r["title"] for r in csv.DictReader(io.StringIO(only))] == ["Sent back"]


@pytest.mark.parametrize("value", ["maybe", "APPROVED", "approved\x00", "<script>"])
def test_a_decision_filter_that_is_no_status_is_refused_with_400(
    buyer_client: Client, four: dict[str, Recommendation], value: str
) -> None:
    assert buyer_client.get(reverse("recommendations:history"), {"decision": value}).status_code == 400
    assert buyer_client.get(reverse("recommendations:history_csv"), {"decision": value}).status_code == 400


def test_the_history_page_takes_the_same_queries_however_many_decisions(
    buyer: User,
    approver: User,
    second_approver: User,
    organisation: Organisation,
    playbook: Playbook,
    buyer_client: Client,
    approver_client: Client,
    second_approver_client: Client,
) -> None:
    require_approval(organisation, approvals=2)
    url = reverse("recommendations:history")

    def queries() -> int:
        buyer_client.get(url, {"decision": "awaiting"})
        with CaptureQueriesContext(connection) as captured:
            assert buyer_client.get(url, {"decision": "awaiting"}).status_code == 200
        return len(captured)

    decide(approver_client, stored(organisation, buyer, playbook, "First"), "approved")
    few = queries()
    for i in range(6):
        rec = stored(organisation, buyer, playbook, f"More {i}")
        decide(approver_client, rec, "approved")
        decide(second_approver_client, rec, "rejected" if i % 2 else "approved", "Not this year")
    assert queries() == few


def test_the_memo_carries_the_decision_and_is_drawn_again_after_one(
    buyer: User,
    approver: User,
    organisation: Organisation,
    playbook: Playbook,
    buyer_client: Client,
    approver_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[str] = []

    def draw(rec: Recommendation, base_url: str) -> bytes:
        html = memo.render_memo_html(rec, base_url)
        drawn.append(html)
        return html.encode()

    monkeypatch.setattr(memo, "render_memo_pdf", draw)
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    url = reverse("recommendations:memo_pdf", args=[rec.pk])
    assert "Sign-off: Awaiting approval" in buyer_client.get(url).content.decode()
    assert len(drawn) == 1 and len(buyer_client.get(url).content) > 0 and len(drawn) == 1  # stored, not redrawn
    decide(approver_client, rec, "approved", "Pilot first, as the memo says")
    text = buyer_client.get(url).content.decode()
    assert len(drawn) == 2
    assert "Sign-off: Approved" in text and "cfo@acme.test" in text and "Pilot first, as the memo says" in text


def test_the_api_gives_the_decision_status_and_filters_by_it(
    buyer: User, organisation: Organisation, four: dict[str, Recommendation]
) -> None:
    _key, secret = create_api_key(organisation=organisation, user=buyer, name="Suite", scopes=["read"])
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    items = client.get("/api/v1/recommendations").json()["items"]
    assert {i["id"]: i["decision_status"] for i in items} == {rec.pk: s for s, rec in four.items()}
    only = client.get("/api/v1/recommendations", {"decision": "awaiting"}).json()["items"]
    assert [i["id"] for i in only] == [four["awaiting"].pk]
    one: dict[str, Any] = client.get(f"/api/v1/recommendations/{four['rejected'].pk}").json()
    assert one["decision_status"] == "rejected"
    assert client.get("/api/v1/recommendations", {"decision": "maybe"}).status_code == 422
