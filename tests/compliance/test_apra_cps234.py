"""An APRA-regulated bank, insurer or superannuation trustee whose customer data or other confidential information a
provider manages reads APRA's CPS 234 beside CPS 230: assess the provider's information security capability
(para. 16), evaluate the design of its controls (para. 22), test them or check its testing (paras. 27-28), and notify
APRA of a material incident within 72 hours (para. 35). A provider that sees none of the entity's information, an
Australian firm APRA does not supervise and a US bank read none of it."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
LENDER = "Sydney lender: credit-risk models on customer loan data"
CPS234 = "https://www.apra.gov.au/sites/default/files/cps_234_july_2019_for_public_release.pdf"


def test_an_australian_bank_handing_over_customer_data_reads_cps_234_with_its_pinpoints(reference: Playbook) -> None:
    ev = evaluated_case(reference, LENDER)

    assert {"apra-cps230", "apra-cps234", "au-privacy-app8"} <= set(ev.regime_codes)
    duties = obligations(ev, "apra-cps234")
    assert duties["assess-capability"] == ("CPS 234 para. 16", CPS234, "secondary")
    assert duties["evaluate-controls"][:2] == ("CPS 234 para. 22", CPS234)
    assert duties["test-controls"][0] == "CPS 234 paras. 27-28"
    assert duties["incident-notice"][0] == "CPS 234 para. 35"
    regime = next(r for r in ev.regimes if r.code == "apra-cps234")
    assert regime.confidence == "secondary" and regime.effective_date == "2019-07-01"
    assert "72 hours" in regime.summary and [s["url"] for s in regime.sources] == [CPS234]
    assert {phase for phase, _label, _items in regime.obligations} == {"before_signing", "in_contract", "during"}


def test_cps_234_adds_no_gate_and_keeps_the_verdict(reference: Playbook) -> None:
    ev = evaluated_case(reference, LENDER)

    assert ev.verdict == "conditional"
    assert [g.rule for g in ev.gates] == ["critical-function-outsourcing-au"]
    assert not [c for c in ev.conditions if c.rule == "apra-cps234-information-assets"]


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_sector": "insurer"},
        {"buyer_sector": "pension-fund"},
        {"data_categories": ["mnpi-research"]},
    ],
    ids=["insurer", "superannuation-trustee", "confidential-research"],
)
def test_other_apra_regulated_entities_and_other_information_read_cps_234(
    reference: Playbook, changes: dict[str, Any]
) -> None:
    assert "apra-cps234" in evaluated_case(reference, LENDER, **changes).regime_codes


@pytest.mark.parametrize(
    ("case", "changes"),
    [
        ("Australian bank: credit analysis", {}),
        (LENDER, {"buyer_sector": "investment-firm"}),
        (LENDER, {"buyer_regulated_in": "us", "home_market": "us", "data_categories": ["glba-financial"]}),
    ],
    ids=["no-information-handed-over", "australian-investment-firm", "us-bank"],
)
def test_buyers_outside_cps_234_do_not_read_it(reference: Playbook, case: str, changes: dict[str, Any]) -> None:
    assert "apra-cps234" not in evaluated_case(reference, case, **changes).regime_codes


def test_cps_230s_notice_to_apra_is_said_to_be_for_a_material_arrangement_only(reference: Playbook) -> None:
    # Review 133: an insurer whose work is not critical read "Before signing: Notify APRA of material arrangements".
    ev = evaluated_case(reference, LENDER, critical_function=False)
    regime = next(r for r in ev.regimes if r.code == "apra-cps230")
    (notice,) = [o for _phase, _label, items in regime.obligations for o in items if o["code"] == "notify-apra"]
    assert notice["title"].startswith("If the arrangement is material, notify APRA")
    assert notice["action"].startswith("Only for a material arrangement") and "no notice is due" in notice["action"]


def test_apras_notice_gate_says_it_may_raise_concerns_not_object(
    reference: Playbook, organisation: Any, buyer: Any, buyer_client: Any
) -> None:
    # Review 141: "the supervisor may object" beside CPS 230's notice, which gives APRA no such step.
    from django.urls import reverse

    from apps.recommendations.services import submit_and_recommend
    from tests.factories import AssessmentFactory

    answers = reference.golden_cases.get(name__startswith=LENDER).answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert rec.record.evaluation.gate_objection == ": the supervisor may raise concerns, to be settled before signing."
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "the supervisor may object" not in page
