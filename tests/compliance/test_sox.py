"""A US-listed company outsourcing work that feeds its financial statements reads Sarbanes-Oxley s. 404 and SEC rule
13a-15 (internal control over financial reporting), with the provider's SOC 1 Type 2 report (AICPA AT-C section 320)
and the user-entity controls it lists as a condition before the first close; a company not listed in the US, or
work that feeds no financial statement, reads none of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Organisation, User
from apps.common.models import SourceHost
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations, source_host_kinds
from tests.recommendations.golden import evaluated_case
from tests.recommendations.test_sensitive_data_advice import page_of

pytestmark = pytest.mark.django_db
LISTED = "US listed company: month-end close and reconciliations by a provider's team"
SOC1 = "Before the provider runs its first close: its SOC 1 Type 2 report"


def soc1_conditions(ev: Any) -> list[str]:
    return [c.text for c in ev.conditions if c.text.startswith(SOC1)]


def test_a_listed_companys_close_reads_sox_404_with_its_pinpoints(reference: Playbook) -> None:
    ev = evaluated_case(reference, LISTED)

    assert "sox-404" in ev.regime_codes
    duties = obligations(ev, "sox-404")
    assert duties["scope-in-icfr"][0].startswith("Sarbanes-Oxley Act s. 404(a)-(b), 15 U.S.C. 7262")
    assert "17 CFR 240.13a-15(c)" in duties["scope-in-icfr"][0]
    assert duties["scope-in-icfr"][0].endswith("Form 20-F, Item 15(b)-(c) for a foreign private issuer")
    assert duties["soc1-type2"][0].startswith("AICPA AT-C section 320")
    assert "complementary user entity controls" in duties["user-entity-controls"][0]
    assert duties["quarterly-change"][0] == "17 CFR 240.13a-15(d); 17 CFR 229.308(c); Form 20-F, Item 15(d)"
    assert {conf for _c, _u, conf in duties.values()} == {"secondary"}
    regime = next(r for r in ev.regimes if r.code == "sox-404")
    phases = {phase for phase, _label, _items in regime.obligations}
    assert {"before_signing", "in_contract", "during"} <= phases


def test_the_soc1_report_is_a_condition_before_the_first_close_and_moves_no_points(reference: Playbook) -> None:
    listed = evaluated_case(reference, LISTED)
    unlisted = evaluated_case(reference, LISTED, sec_financial_reporting="not-listed")

    (text,) = soc1_conditions(listed)
    assert "complementary user-entity controls" in text and "journal-entry approval" in text
    assert not soc1_conditions(unlisted)
    assert listed.verdict == unlisted.verdict == "wins"
    assert listed.fit_score == unlisted.fit_score
    assert not listed.gates
    assert any(r.title.startswith("A control failure at the provider") for r in listed.risks)


def test_a_soc2_report_is_said_not_to_replace_the_soc1(reference: Playbook) -> None:
    ev = evaluated_case(reference, LISTED)

    assert "soc2" in ev.regime_codes
    regime = next(r for r in ev.regimes if r.code == "sox-404")
    soc1 = next(o for _p, _l, items in regime.obligations for o in items if o["code"] == "soc1-type2")
    assert "A SOC 2 report covers security, not controls over financial reporting" in soc1["action"]


@pytest.mark.parametrize("answer", ["not-listed", "other-work", None])
def test_an_unlisted_company_work_outside_the_statements_or_no_answer_reads_no_sox(
    reference: Playbook, answer: str | None
) -> None:
    ev = evaluated_case(reference, LISTED, sec_financial_reporting=answer)

    assert "sox-404" not in ev.regime_codes
    assert not ev.missing_required


def test_the_question_is_asked_only_about_financial_work(reference: Playbook) -> None:
    finance = evaluated_case(reference, LISTED)
    research = evaluated_case(reference, LISTED, function="equity-research", sec_financial_reporting=None)

    assert "sec_financial_reporting" in finance.visible
    assert "sec_financial_reporting" not in research.visible
    assert "sox-404" not in research.regime_codes


def test_the_sox_sources_are_official_hosts(reference: Playbook) -> None:
    ev = evaluated_case(reference, LISTED)
    assert source_host_kinds(ev, "sox-404") == dict.fromkeys(
        {"uscode.house.gov", "ecfr.gov", "aicpa-cima.com"}, SourceHost.Kind.OFFICIAL
    )


def test_the_listed_companys_page_shows_sox_the_soc1_condition_and_their_sources(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    page = page_of(reference, organisation, buyer, buyer_client, LISTED)

    assert "Sarbanes-Oxley s. 404: internal control over financial reporting (SOC 1)" in page
    assert "Get the provider's SOC 1 Type 2 report" in page
    assert SOC1 in page
    assert "https://www.ecfr.gov/current/title-17/section-240.13a-15" in page


def test_model_work_feeding_the_statements_reads_controls_over_its_output_not_a_close(reference: Playbook) -> None:
    # A US-listed bank's credit models feed its credit-loss allowance: the provider runs no close and posts no
    # journals, so the condition is the bank's own control over the model's output.
    ev = evaluated_case(
        reference, "US regional bank: credit-risk model validation", sec_financial_reporting="feeds-statements"
    )
    fired = {r.code for r in ev.fired}
    assert "sox-404-model-work" in fired and "sox-404-financial-close" not in fired
    assert "sox-404-models" in ev.regime_codes and "sox-404" not in ev.regime_codes
    assert soc1_conditions(ev) == []
    duties = obligations(ev, "sox-404-models")
    assert set(duties) == {"scope-in-icfr", "auditors-on-soc1", "model-review-stays-in-house", "quarterly-change"}
    regime = next(r for r in ev.regimes if r.code == "sox-404-models")
    said = " ".join(o["action"] for _p, _l, items in regime.obligations for o in items)
    assert "first close" not in said and "journal" not in said
    (condition,) = [c.text for c in ev.conditions if c.text.startswith("Before the provider's model work feeds")]
    assert "a management review of each run's results" in condition and "SOC 1 Type 2 report" in condition
    # The same work answered as no model work reads the close's condition, as before.
    close = evaluated_case(
        reference,
        "US regional bank: credit-risk model validation",
        sec_financial_reporting="feeds-statements",
        model_risk_work=False,
    )
    assert soc1_conditions(close) and "sox-404-model-work" not in {r.code for r in close.fired}


def test_a_listed_company_whose_close_a_cpa_signs_is_told_its_auditor_cannot_be_that_cpa(reference: Playbook) -> None:
    # 17 CFR 210.2-01(c)(4)(i), (vi): the external auditor neither keeps the records it audits nor acts as management.
    title = "Your external auditor cannot be the CPA who supervises or signs off this work"
    signed = evaluated_case(reference, LISTED, licensed_signoff=["cpa"], signoff_capacity="yes")
    (risk,) = [r for r in signed.risks if r.title == title]
    assert "17 CFR 210.2-01(c)(4)(i), (vi)" in risk.mitigation and risk.rule == "sec-issuer-auditor-independence"
    unsigned = {"licensed_signoff": ["none"], "signoff_capacity": None}
    for changes in (unsigned, {"sec_financial_reporting": "not-listed"}):
        base = {"licensed_signoff": ["cpa"], "signoff_capacity": "yes", **changes}
        assert title not in [r.title for r in evaluated_case(reference, LISTED, **base).risks]


def test_a_centre_a_provider_builds_is_asked_a_type_1_report_first_and_to_make_the_controls_its_own_at_transfer(
    reference: Playbook,
) -> None:
    # Review 54: a new centre was asked for a SOC 1 Type 2 report before its first close, which no centre that has
    # run no period can have, and the page never said its controls become the buyer's own at transfer.
    bot = evaluated_case(reference, LISTED, own_team_plan=True, centre_setup="provider-builds")
    fired = {f.code for f in bot.fired}
    assert "sox-404-financial-close-bot" in fired and "sox-404-financial-close" not in fired
    assert not soc1_conditions(bot)
    (text,) = [c.text for c in bot.conditions if c.rule == "sox-404-financial-close-bot"]
    assert text.startswith("Before the provider's new centre runs its first close: a SOC 1 Type 1 report")
    assert "with a Type 2 to follow once it has run a period" in text and "at transfer" in text
    assert "sox-404" in bot.regime_codes
