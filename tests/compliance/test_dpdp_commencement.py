"""India's DPDP Act comes into force in phases (commencement notification G.S.R. 843(E), 13 Nov 2025): the duties
of Data Fiduciaries and Processors (ss. 3-17) start on 13 May 2027. Before then a buyer reads each duty with the
day it starts, the regime as phased, and the contract terms as preparation, never as a duty that applies already."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.compliance.templatetags import compliance_dates
from apps.playbooks.models import Playbook
from apps.playbooks.reference import DATA_FILE
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
INDIAN_CUSTOMERS = "US subscription app with Indian customers"
BEFORE = datetime.date(2026, 12, 1)
AFTER = datetime.date(2027, 6, 1)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> object:
    """Sets the day the page is drawn on."""

    def set_today(day: datetime.date) -> None:
        monkeypatch.setattr(compliance_dates.timezone, "localdate", lambda: day)

    return set_today


def dpdp(reference: Playbook) -> object:
    ev = evaluated_case(reference, INDIAN_CUSTOMERS)
    return next(r for r in ev.regimes if r.code == "dpdp")


def test_every_dpdp_duty_starts_on_13_may_2027_and_none_applies_already(reference: Playbook) -> None:
    regime = dpdp(reference)
    duties = [o for _phase, _label, items in regime.obligations for o in items]  # type: ignore[attr-defined]
    assert duties
    for o in duties:
        assert o["effective_date"] == "2027-05-13", o["code"]
        assert "applies already" not in o["action"], o["code"]
    assert "13 May 2027" in regime.summary  # type: ignore[attr-defined]


def page_text(client: Client, reference: Playbook, organisation: Organisation, user: User) -> tuple[str, str]:
    answers = next(
        c for c in json.loads(DATA_FILE.read_text())["golden_cases"] if c["name"].startswith(INDIAN_CUSTOMERS)
    )
    a = Assessment.objects.create(
        organisation=organisation, created_by=user, title="Indian customers", playbook=reference
    )
    Answer.objects.bulk_create(
        Answer(organisation_id=a.organisation_id, assessment=a, question_code=c, value=v)
        for c, v in answers["answers"].items()
    )
    rec = submit_and_recommend(assessment=a, user=user)
    page = client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    memo = render_memo_html(rec, "http://testserver/")
    return (re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)) for html in (page, memo))  # type: ignore[return-value]


def test_before_13_may_2027_the_page_and_memo_show_the_regime_as_phased_and_each_duty_starting_then(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, today: object
) -> None:
    today(BEFORE)  # type: ignore[operator]
    for text in page_text(buyer_client, reference, organisation, buyer):
        assert "In force in phases since 13 Nov 2025; the duties below apply from 13 May 2027" in text
        assert "Write Rule 6 safeguards into the contract" in text
        assert "Applies from 13 May 2027 · last reviewed" in text
        assert "In force since 13 Nov 2025" not in text
        assert "applies already" not in text


def test_once_the_duties_have_started_they_read_as_in_force(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, today: object
) -> None:
    today(AFTER)  # type: ignore[operator]
    for text in page_text(buyer_client, reference, organisation, buyer):
        assert "In force since 13 Nov 2025 · last reviewed" in text
        assert "In force since 13 May 2027 · last reviewed" in text
        assert "Applies from" not in text and "In force in phases" not in text


def test_a_regime_whose_duties_have_all_started_reads_as_before(today: object) -> None:
    today(BEFORE)  # type: ignore[operator]
    assert (
        compliance_dates.in_force("2018-05-25", "2026-11-30")
        == "In force since 25 May 2018 · last reviewed 30 Nov 2026"
    )
    assert compliance_dates.in_force(None, None) == "In force since (not recorded) · last reviewed (not yet)"
