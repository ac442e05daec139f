"""An EU bank's model validation or monitoring answered as supporting no critical or important function: the EBA's
guidelines presume the outsourcing of an internal control function's operational tasks critical or important unless
the bank's own assessment shows otherwise (EBA/GL/2019/02 para. 29(b)), so the buyer is asked to record it."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers, fired_codes

pytestmark = pytest.mark.django_db
RULE = "eu-bank-model-validation-internal-control"
# A French bank's analytics team validating and monitoring its credit models, answered as not critical.
FRENCH_BANK: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "french",
    "start_within": "three-to-six",
    "mgmt_hours": 4,
    "overnight_turnaround": False,
    "function": "market-research-analytics",
    "work_nature": "mixed",
    "codifiability": "high",
    "quality_measurable": "objective",
    "buyer_sector": "bank",
    "buyer_regulated_in": "eu",
    "critical_function": False,
    "model_risk_work": True,
    "ict_services": True,
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 30000,
    "team_size": 15,
    "horizon": 5,
    "delivery_ownership": "provider-team",
    "client_jurisdictions": ["eu"],
    "data_categories": ["eu-personal"],
    "sensitive_personal_data": [],
    "buyer_location": "eu",
    "buyer_eu_country": "france",
    "overlap_hours": 6,
    "shifted_hours": False,
    "licensed_signoff": ["none"],
    "home_market": "eu",
    "own_figures": True,
    "own_inhouse_cost": 95000,
    "quoted_rate": 32,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "cee",
}


def test_it_is_asked_to_record_the_assessment_that_rebuts_the_presumption(reference: Playbook) -> None:
    ev = evaluated_answers(reference, FRENCH_BANK)
    assert RULE in fired_codes(ev)
    said = [c.text for c in ev.conditions if "para. 29(b)" in c.text]
    assert said and said[0].startswith("Before signing: record your assessment")
    assert any(r.code == "eba-outsourcing" for r in ev.regimes)
    assert any(r.title == "Model validation is presumed critical or important" for r in ev.risks)


@pytest.mark.parametrize(
    "changes",
    [{"critical_function": True}, {"model_risk_work": False}, {"buyer_regulated_in": "us"}],
)
def test_not_when_it_is_answered_critical_or_is_no_model_work_or_not_an_eu_bank(
    reference: Playbook, changes: dict[str, Any]
) -> None:
    assert RULE not in fired_codes(evaluated_answers(reference, FRENCH_BANK, **changes))
