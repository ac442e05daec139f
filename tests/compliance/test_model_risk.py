"""A US bank having a provider build, validate or monitor its models reads the banking agencies' Supervisory Guidance
on Model Risk Management (Federal Reserve SR 11-7, OCC Bulletin 2011-12): validators independent of the models'
development and use, and the bank's own people keeping ownership of the work, as a condition, not a gate. A US bank's
other work, and a bank supervised elsewhere, read none of it; model work is not priced as if close work were cheaper."""

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
BANK = "US regional bank: credit-risk model validation"
CONDITION = "Before the provider starts on your models: its validators independent"
CLOSE_RISK = "The in-house cost is a financial analyst's"


def model_conditions(ev: Any) -> list[str]:
    return [c.text for c in ev.conditions if c.text.startswith(CONDITION)]


def test_a_us_banks_model_validation_reads_sr_11_7_with_its_sections(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)

    assert "us-model-risk-sr11-7" in ev.regime_codes
    duties = obligations(ev, "us-model-risk-sr11-7")
    assert duties["independent-validation"][0] == "SR 11-7 / OCC Bulletin 2011-12, section V (Model Validation)"
    assert "External Resources" in duties["scope-of-work"][0]
    assert "External Resources" in duties["internal-owner"][0]
    assert "Vendor and Other Third-Party Products" in duties["vendor-models"][0]
    assert {conf for _c, _u, conf in duties.values()} == {"secondary"}
    regime = next(r for r in ev.regimes if r.code == "us-model-risk-sr11-7")
    phases = {phase for phase, _label, _items in regime.obligations}
    assert {"before_signing", "in_contract", "during"} <= phases


def test_independence_and_ownership_are_a_condition_that_moves_no_points(reference: Playbook) -> None:
    models = evaluated_case(reference, BANK)
    other = evaluated_case(reference, BANK, model_risk_work=False)

    (text,) = model_conditions(models)
    assert "independent of the models' development and use" in text and "keeps ownership" in text
    assert not model_conditions(other)
    assert models.verdict == other.verdict == "wins"
    assert models.fit_score == other.fit_score
    assert not models.gates


@pytest.mark.parametrize("answer", [False, None])
def test_a_us_banks_other_work_or_no_answer_reads_no_model_guidance(reference: Playbook, answer: bool | None) -> None:
    ev = evaluated_case(reference, BANK, model_risk_work=answer)

    assert "us-model-risk-sr11-7" not in ev.regime_codes
    assert {"glba-interagency", "us-tprm"} <= set(ev.regime_codes)
    assert not ev.missing_required


def test_a_us_banks_credit_research_without_model_work_reads_none_of_it(reference: Playbook) -> None:
    ev = evaluated_case(
        reference,
        BANK,
        function="credit-research",
        model_risk_work=False,
        research_broker_dealer=False,
        research_mifid_firm=False,
        research_authorship="internal-use",
    )

    assert "model_risk_work" in ev.visible
    assert "us-model-risk-sr11-7" not in ev.regime_codes
    assert not model_conditions(ev)


def test_a_bank_supervised_outside_the_us_reads_none_of_it(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK, buyer_regulated_in="uk")

    assert "us-model-risk-sr11-7" not in ev.regime_codes
    assert not [c for c in ev.conditions if c.rule == "us-model-risk-validation"]
    # The PRA's own principles instead, by principle (review 79; review 47 had asked what supervisors' rules share).
    assert "uk-pra-model-risk-ss1-23" in ev.regime_codes
    [own] = [c.text for c in ev.conditions if c.rule == "uk-model-risk-ss1-23"]
    assert "PRA SS1/23 Principle 1" in own
    assert not [c for c in ev.conditions if c.rule == "model-risk-supervisor-not-covered"]


def test_the_question_is_asked_only_of_banks_about_model_prone_work(reference: Playbook) -> None:
    insurer = evaluated_case(reference, BANK, buyer_sector="insurer")
    coding = evaluated_case(reference, BANK, function="medical-coding")

    assert "model_risk_work" in evaluated_case(reference, BANK).visible
    assert "model_risk_work" not in insurer.visible
    assert "model_risk_work" not in coding.visible
    assert "us-model-risk-sr11-7" not in insurer.regime_codes


def test_model_work_is_not_said_to_be_cheaper_close_work(reference: Playbook) -> None:
    models = evaluated_case(reference, BANK)
    close = evaluated_case(reference, BANK, model_risk_work=None)

    assert not any(r.title.startswith(CLOSE_RISK) for r in models.risks)
    assert any(r.title.startswith(CLOSE_RISK) for r in close.risks)


def test_the_model_risk_sources_are_official_hosts(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)
    assert source_host_kinds(ev, "us-model-risk-sr11-7") == dict.fromkeys(
        {"federalreserve.gov", "occ.gov", "fdic.gov"}, SourceHost.Kind.OFFICIAL
    )


def test_the_banks_page_shows_the_guidance_the_condition_and_its_source(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    page = page_of(reference, organisation, buyer, buyer_client, BANK)

    assert "US Supervisory Guidance on Model Risk Management (SR 11-7, OCC Bulletin 2011-12)" in page
    assert "Make sure the provider's validators are independent of the models" in page
    assert CONDITION in page
    assert "https://www.federalreserve.gov/supervisionreg/srletters/sr1107.htm" in page


NOT_COVERED = "Your supervisor's own model risk rules are not set out here, beyond what they share"


@pytest.mark.parametrize(
    ("case", "changes"),
    [
        ("Toronto bank: credit research and portfolio analytics", {}),
        ("Mexico City bank: financial analysis of its loan book", {}),
    ],
    ids=["canada", "elsewhere"],
)
def test_a_banks_model_work_outside_the_us_uk_and_eu_says_its_supervisors_rules_are_not_covered(
    reference: Playbook, case: str, changes: dict[str, object]
) -> None:
    ev = evaluated_case(reference, case, model_risk_work=True, **changes)
    risk = next(r for r in ev.risks if r.title == NOT_COVERED)
    assert risk.severity == "medium"
    # The condition names the Canadian rules only for a Canadian bank (review 94: a Singapore bank's cited them).
    said = " ".join(c.text for c in ev.conditions)
    assert ("E-23" in said) == (case.startswith("Toronto")) and "model inventory" in said
    assert NOT_COVERED not in {r.title for r in evaluated_case(reference, case, model_risk_work=False).risks}


def test_a_uk_banks_model_work_reads_the_pras_principles_not_the_not_covered_risk(reference: Playbook) -> None:
    ev = evaluated_case(reference, "UK bank: financial modelling for a critical function", model_risk_work=True)
    assert NOT_COVERED not in {r.title for r in ev.risks}
    assert "uk-pra-model-risk-ss1-23" in ev.regime_codes


def test_a_us_or_eu_banks_model_work_reads_its_own_rules_not_the_not_covered_risk(reference: Playbook) -> None:
    us = evaluated_case(reference, "US regional bank: credit-risk model validation")
    eu = evaluated_case(reference, "EU bank: the same financial modelling without", model_risk_work=True)
    for ev in (us, eu):
        assert NOT_COVERED not in {r.title for r in ev.risks}
