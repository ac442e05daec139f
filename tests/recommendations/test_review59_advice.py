"""Advice a sourcing adviser and a regulatory lawyer checked (review 59): credentialed routine work, an EU bank's
model validation answered as critical, Australian personal information, and the memo of a blocked verdict."""

from __future__ import annotations

import html
import re

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db

CODING = "US hospital group: steady medical coding bought as a managed service"
KYC = "KYC refresh: a Dutch bank's customer due diligence reviews"
DRUG_SAFETY = "US drug maker: postmarketing adverse-event case processing"
DATA_ENTRY = "Rules-based invoice data entry sold as 'finance KPO'"
EU_BANK = "EU bank: the same financial modelling without any technology"
SYDNEY = "Sydney lender: credit-risk models on customer loan data"


@pytest.mark.parametrize("case", [CODING, KYC, DRUG_SAFETY])
def test_routine_work_done_by_credentialed_people_is_not_blocked_as_bpo(reference: Playbook, case: str) -> None:
    # Review 59: coders, drug-safety reviewers and KYC analysts answered "mostly rules" were told to buy BPO, the
    # function the product itself lists as knowledge work blocked, with a saving of over 99% beside it.
    ev = evaluated_case(reference, case, work_nature="rules-based")
    fired = fired_codes(ev)
    assert "rules-based-work-is-bpo" not in fired and "rules-based-credentialed-work" in fired
    assert not ev.blockers
    assert any(c.text.startswith("Before signing: split the routine processing") for c in ev.conditions)
    assert any(r.title.startswith("Much of this work is routine processing") for r in ev.risks)
    judged = evaluated_case(reference, case, work_nature="mixed")
    assert "rules-based-credentialed-work" not in fired_codes(judged)


@pytest.mark.parametrize(
    ("case", "credential", "others"),
    [
        (CODING, "a coding certification", ("AML training", "PTIN", "law degree")),
        (KYC, "AML training", ("coding certification", "PTIN", "law degree")),
        (DRUG_SAFETY, "the training your pharmacovigilance system requires", ("AML training", "coding certification")),
    ],
)
def test_the_credential_to_name_is_the_buyers_own_functions_alone(
    reference: Playbook, case: str, credential: str, others: tuple[str, ...]
) -> None:
    # Review 152: the condition listed the credentials of five kinds of work, for a procurement team to pick its own.
    ev = evaluated_case(reference, case, work_nature="rules-based")
    (split,) = [c.text for c in ev.conditions if c.text.startswith("Before signing: split the routine processing")]
    assert split.endswith(f"name the credential each reviewer must hold for this work: {credential}")
    assert not [other for other in others if other in split]


def test_routine_trial_data_work_names_good_clinical_practice_not_pharmacovigilance(reference: Playbook) -> None:
    # Review 155: trial data work read the pharmacovigilance system's training.
    ev = evaluated_case(reference, DRUG_SAFETY, work_nature="rules-based", clinical_work=["trial-data"])
    (split,) = [c.text for c in ev.conditions if c.text.startswith("Before signing: split the routine processing")]
    assert split.endswith("good clinical practice training for the part each reviewer plays (ICH E6(R3))")


def test_rules_based_data_entry_is_still_blocked_as_bpo(reference: Playbook) -> None:
    ev = evaluated_case(reference, DATA_ENTRY)
    assert ev.verdict == "doesnt_win" and [b.rule for b in ev.blockers] == ["rules-based-work-is-bpo"]


def test_an_eu_banks_model_validation_answered_as_critical_keeps_its_findings_in_house(reference: Playbook) -> None:
    # Review 59: the model-validation condition came only with a "not critical" answer, where it matters more.
    critical = evaluated_case(reference, EU_BANK, model_risk_work=True, critical_function=True)
    texts = [c.text for c in critical.conditions]
    assert "eu-bank-model-validation-critical" in fired_codes(critical)
    assert any("independent of the models' developers" in t and "CRR Arts. 185 and 190" in t for t in texts)
    not_critical = evaluated_case(reference, EU_BANK, model_risk_work=True, critical_function=False)
    assert "eu-bank-model-validation-critical" not in fired_codes(not_critical)
    assert "eu-bank-model-validation-internal-control" in fired_codes(not_critical)


def test_australian_personal_information_comes_with_its_contract_condition(reference: Playbook) -> None:
    # Review 59: APP 8 was triggered with no checklist item, where Canadian, EU and UK data had theirs.
    ev = evaluated_case(reference, SYDNEY)
    assert any("APP 8.1; s. 16C" in c.text and c.text.startswith("Before disclosing") for c in ev.conditions)


def test_a_blocked_verdicts_memo_recommends_what_the_blocker_says_not_keeping_the_work_in_house(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 59: the page said "buy it as BPO or automate it" while the memo said "keep this work in-house".
    answers = reference.golden_cases.get(name__startswith=DATA_ENTRY).answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    memo = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", render_memo_html(rec, "http://testserver/"))))
    assert (
        "Recommended: not as knowledge process outsourcing, as answered. This is rules-based transactional work" in memo
    )
    assert "keep this work in-house" not in memo


def test_a_uk_insurer_starting_within_a_month_is_told_the_pras_notice_rule(reference: Playbook) -> None:
    # Review 59: the risk cited the FCA, APRA and the EBA for a UK insurer, whose notice is the PRA's (CGB 7.3).
    ev = evaluated_case(
        reference, "UK motor insurer", critical_function=True, start_within="within-month", buyer_regulated_in="uk"
    )
    (risk,) = [
        r
        for r in ev.risks
        if r.title == "A start within a month leaves little time for the notice your regulator needs"
    ]
    assert "Conditions Governing Business 7.3 for an insurer" in risk.mitigation
