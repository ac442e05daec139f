"""A Québec institution the AMF authorises (an insurer, a financial services cooperative, a trust company or a deposit
institution) reads the AMF's Outsourcing Risk Management Guideline (review 170: a Montreal insurer could answer only
"Somewhere else", told its regulator's rules were not covered, or "OSFI", which it is not)."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.compliance.templatetags import compliance_dates
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from apps.recommendations.models import Recommendation
from tests.recommendations.conftest import recommend
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
INSURER = "Toronto life insurer: actuarial model runs signed by the Appointed Actuary"  # canada-east, regulated "other"
GUIDELINE = "https://lautorite.qc.ca/professionnels/assureurs/lignes-directrices/risque-operationnel/"


def _regimes(ev: object) -> set[str]:
    return {r.code for r in ev.regimes}  # type: ignore[attr-defined]


def test_a_quebec_insurer_the_amf_authorises_reads_its_guideline_not_that_its_rules_are_not_covered(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, INSURER, buyer_ca_province="quebec", buyer_amf_authorised=True)
    assert "amf-outsourcing" in _regimes(ev)
    assert "regulated-elsewhere" not in fired_codes(ev)
    assert not [
        r for r in ev.risks if r.title == "Your own regulator's outsourcing and data rules are not covered here"
    ]
    (regime,) = [r for r in ev.regimes if r.code == "amf-outsourcing"]
    duties = [o for _phase, _label, items in regime.obligations for o in items]
    assert len(duties) == 5
    for duty in duties:
        assert (
            duty["source_url"].startswith("https://lautorite.qc.ca/")
            and "Risk Management Guideline" in duty["citation"]
        )
    assert [c.text for c in ev.conditions if "AMF Outsourcing Risk Management Guideline, ss. 4-5" in c.text]


def test_an_osfi_insurer_the_amf_also_authorises_reads_both(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER, buyer_regulated_in="canada", buyer_amf_authorised=True)
    assert {"osfi-b10", "amf-outsourcing"} <= _regimes(ev)


def test_unanswered_or_no_leaves_the_result_as_it_was(reference: Playbook) -> None:
    for answer in (None, False):
        ev = evaluated_case(reference, INSURER, buyer_amf_authorised=answer)
        assert "amf-outsourcing" not in _regimes(ev)
        assert "regulated-elsewhere" in fired_codes(ev)


def test_the_question_is_asked_only_of_an_eastern_canadian_bank_or_insurer(reference: Playbook) -> None:
    from apps.playbooks.engine.visibility import visibility
    from apps.playbooks.runtime import compiled_playbook

    compiled = compiled_playbook(reference)
    answers = reference.golden_cases.get(name__startswith=INSURER).answers
    assert "buyer_amf_authorised" in visibility(compiled, answers).questions
    for changed in (
        {"buyer_location": "us"},
        {"buyer_sector": "investment-firm"},
        {"buyer_regulated_in": "canada-securities"},
    ):
        assert "buyer_amf_authorised" not in visibility(compiled, {**answers, **changed}).questions, changed


def test_the_guideline_that_replaces_it_from_april_2027_is_a_duty_before_signing(reference: Playbook) -> None:
    # Review 173: the replacement was described as under consultation; the AMF's page gives it as final, in effect
    # from 1 April 2027, revoking the 2009 guideline.
    import datetime

    from apps.compliance.models import Regime

    regime = Regime.objects.get(code="amf-outsourcing")
    assert regime.next_change_date == datetime.date(2027, 4, 1)
    assert "revoked on 1 April 2027" in regime.summary and "consultation" not in regime.summary
    duty = regime.obligations.get(code="written-agreement")
    assert (
        duty.phase == "in_contract"
        and "1 April 2027" in duty.action
        and "draft the agreement to the new" in duty.action
    )
    assert "Third-Party Risk Management Guideline (in effect from 1 April 2027)" in duty.citation
    assert any("third-party-risk-management-guideline" in s["url"] for s in regime.sources)


def _quebec_insurer(reference: Playbook, organisation: Organisation, buyer: User) -> Recommendation:
    """The insurer's recommendation as a Québec institution the AMF authorises."""
    return recommend(reference, organisation, buyer, INSURER, buyer_ca_province="quebec", buyer_amf_authorised=True)


def _on(monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
    monkeypatch.setattr(compliance_dates.timezone, "localdate", lambda: day)


def test_each_duty_says_the_guideline_changes_on_1_april_2027_on_the_page_the_memo_and_the_csv(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review 175: every duty read "In force since 1 Apr 2009" alone, the monitoring duty cited only the 2009 text and
    # the CSV had no date, though the guideline is revoked about four months into a five-year engagement.
    rec = _quebec_insurer(reference, organisation, buyer)
    (regime,) = [r for r in rec.record.evaluation.regimes if r.code == "amf-outsourcing"]
    duties = [o for _phase, _label, items in regime.obligations for o in items]
    assert regime.next_change_date == "2027-04-01"
    assert all(o.next_change_date == "2027-04-01" for o in duties)
    assert all("Third-Party Risk Management Guideline (in effect from 1 April 2027)" in o.citation for o in duties)
    assert all("1 April 2027" in o.action for o in duties)
    _on(monkeypatch, datetime.date(2026, 12, 8))
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    memo = render_memo_html(rec, "http://testserver/")
    for html in (page, memo):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        assert (
            text.count("In force since 1 Apr 2009 · changes or ends on 1 Apr 2027 · last reviewed") == len(duties) + 1
        )
    rows = list(
        csv.DictReader(
            io.StringIO(
                buyer_client.get(reverse("recommendations:obligations_csv", args=[rec.pk])).content.decode("utf-8-sig")
            )
        )
    )
    amf = [r for r in rows if r["regime"] == regime.name]
    assert len(amf) == len(duties) and {r["known change"] for r in amf} == {"2027-04-01"}
    assert {r["known change"] for r in rows if r["regime"] != regime.name} <= {"", "2027-04-01"} | {
        o.next_change_date for r in rec.record.evaluation.regimes for _p, _l, items in r.obligations for o in items
    }


def test_a_known_change_reads_as_past_and_unreviewed_once_it_has_come(monkeypatch: pytest.MonkeyPatch) -> None:
    in_force = compliance_dates.in_force
    _on(monkeypatch, datetime.date(2027, 5, 1))
    assert in_force("2009-04-01", "2026-12-08", "2027-04-01") == (
        "In force since 1 Apr 2009 · changed or ended on 1 Apr 2027, after it was last reviewed: read the text in force"
        " · last reviewed 8 Dec 2026"
    )
    assert in_force("2009-04-01", "2027-04-20", "2027-04-01") == (
        "In force since 1 Apr 2009 · last reviewed 20 Apr 2027"
    )
    assert in_force("2009-04-01", "2026-12-08") == "In force since 1 Apr 2009 · last reviewed 8 Dec 2026"


def test_the_catalogue_pages_say_the_known_change_too(
    reference: Playbook, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _on(monkeypatch, datetime.date(2026, 12, 8))
    page = buyer_client.get(reverse("compliance:regime_detail", args=["amf-outsourcing"])).content.decode()
    assert page.count("In force since 1 Apr 2009 · changes or ends on 1 Apr 2027 · last reviewed") == 5
    listing = buyer_client.get(reverse("compliance:regimes")).content.decode()
    assert "In force since 1 Apr 2009 · changes or ends on 1 Apr 2027 · last reviewed" in listing


def test_a_regimes_page_gives_a_known_change_only_while_it_is_to_come_or_unreviewed(
    reference: Playbook, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review 178: APRA's page read "Known change 1 Jul 2026" five months after that day, reviewed since.
    _on(monkeypatch, datetime.date(2026, 12, 8))
    apra = buyer_client.get(reverse("compliance:regime_detail", args=["apra-cps230"])).content.decode()
    assert "Known change" not in apra
    amf = buyer_client.get(reverse("compliance:regime_detail", args=["amf-outsourcing"])).content.decode()
    assert "<dt>Known change</dt><dd>Changes or ends on 1 Apr 2027</dd>" in amf


def test_the_date_line_closes_its_bracket_without_a_space(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 178: "last reviewed 8 Dec 2026 )" on every obligation of the page and the memo.
    rec = _quebec_insurer(reference, organisation, buyer)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    for text in (page, render_memo_html(rec, "http://testserver/")):
        assert re.search(r"last reviewed [0-9A-Za-z ]+\)", text) and not re.search(r"last reviewed [^)<]*\s\)", text)
