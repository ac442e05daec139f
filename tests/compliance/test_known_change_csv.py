"""The obligations CSV's "known change": an obligation's own, else its regime's unless that is the day the obligation
starts; and duties of a Regulation that applies later read "Applies from" (review 179: Solvency II's change was on the
page and not in the CSV; the EU AML Regulation's duties read "In force since 9 Jul 2024", applying from 10 July
2027)."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.compliance.templatetags import compliance_dates
from apps.playbooks.models import Playbook
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db


def _page_text(client: Client, pk: int) -> str:
    """The result page's text, its tags dropped and its spaces collapsed."""
    page = html.unescape(client.get(reverse("recommendations:detail", args=[pk])).content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(autouse=True)
def _drawn_on_8_december_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages are drawn on 8 December 2026, before the changes they name."""
    monkeypatch.setattr(compliance_dates.timezone, "localdate", lambda: datetime.date(2026, 12, 8))


def _rows(client: Client, pk: int) -> list[dict[str, str]]:
    body = client.get(reverse("recommendations:obligations_csv", args=[pk])).content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_a_regimes_own_change_reaches_its_obligations_in_the_csv(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "EU insurer: reserving models outsourced")
    rows = [r for r in _rows(buyer_client, rec.pk) if r["regime"].startswith("Solvency II")]
    assert rows and {r["known change"] for r in rows} == {"2027-01-29"}
    (regime,) = [r for r in rec.record.evaluation.regimes if r.code == "solvency2-outsourcing"]
    assert "Directive (EU) 2025/2" in regime.summary and "29 January 2027" in regime.summary


def test_the_eu_aml_regulations_duties_apply_from_10_july_2027(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
) -> None:
    rec = recommend(reference, organisation, buyer, "KYC refresh: a Dutch bank's customer due diligence reviews")
    (regime,) = [r for r in rec.record.evaluation.regimes if r.code == "eu-aml-outsourcing"]
    duties = {o.code: o for _p, _l, items in regime.obligations for o in items}
    assert {c for c, o in duties.items() if o.effective_date == "2027-07-10"} == {
        "keep-decisions",
        "notify-supervisor",
        "remain-liable",
        "high-risk-countries",
    }
    text = _page_text(buyer_client, rec.pk)
    assert text.count("Applies from 10 Jul 2027 · last reviewed") == 4
    assert "In force in phases since 26 Jun 2017; some duties below apply only from 10 Jul 2027 · last reviewed" in text
    rows = {r["obligation"]: r["known change"] for r in _rows(buyer_client, rec.pk) if r["regime"] == regime.name}
    assert rows[duties["until-2027"].title] == "2027-07-10"
    assert [rows[duties[c].title] for c in ("keep-decisions", "notify-supervisor")] == ["", ""]


def test_the_page_and_the_csv_give_the_same_known_changes(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
) -> None:
    # Review 182: the CSV gave APRA's 1 July 2026 (passed, reviewed since) on every CPS 230 row while the page gave
    # none; Solvency II's date was on each row of the CSV and only on the regime's heading on the page.
    apra = recommend(reference, organisation, buyer, "Australian bank: credit analysis by a material service provider")
    rows = [r for r in _rows(buyer_client, apra.pk) if r["regime"].startswith("APRA")]
    assert rows and {r["known change"] for r in rows} == {""}
    insurer = recommend(reference, organisation, buyer, "EU insurer: reserving models outsourced")
    text = _page_text(buyer_client, insurer.pk)
    solvency = [r for r in _rows(buyer_client, insurer.pk) if r["regime"].startswith("Solvency II")]
    assert text.count("In force since 1 Jan 2016 · changes or ends on 29 Jan 2027 · last reviewed") == len(solvency) + 1
