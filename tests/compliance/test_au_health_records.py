"""Health information about people in Australia: APP 8 is set out, and the state and territory health-records laws,
which are not, are named as not covered, so a hospital does not read APP 8 as the whole answer."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers

pytestmark = pytest.mark.django_db
TITLE = "Australian state and territory health-records laws are not covered here"
HOSPITAL: dict[str, Any] = {
    "function": "medical-coding",
    "work_nature": "mixed",
    "codifiability": "high",
    "quality_measurable": "objective",
    "process_documented": "documented",
    "buyer_sector": "healthcare",
    "buyer_regulated_in": "australia",
    "core_differentiator": "commodity",
    "ip_sensitivity": "low",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 20000,
    "team_size": 10,
    "horizon": 3,
    "client_jurisdictions": ["other"],
    "data_categories": ["phi", "au-personal"],
    "phi_deidentify": False,
    "data_onshore_only": False,
    "buyer_location": "australia-east",
    "overlap_hours": 4,
    "shifted_hours": True,
    "home_market": "other",
    "preferred_region": "philippines",
}


def evaluated(reference: Playbook, **changes: Any) -> Evaluation:
    return evaluated_answers(reference, HOSPITAL, **changes)


def test_a_hospital_sending_patients_records_reads_app_8_and_that_state_laws_are_not_covered(
    reference: Playbook,
) -> None:
    ev = evaluated(reference)
    assert "au-privacy-app8" in ev.regime_codes
    (risk,) = [r for r in ev.risks if r.title == TITLE]
    assert risk.rule == "au-health-records-not-covered" and risk.severity == "medium"
    assert "state or territory where it was collected" in risk.mitigation


@pytest.mark.parametrize(
    "categories", [["au-personal"], ["phi"], ["au-personal", "other-personal"]], ids=["no-health", "no-au", "other"]
)
def test_without_health_information_about_people_in_australia_it_is_not_said(
    reference: Playbook, categories: list[str]
) -> None:
    assert TITLE not in [r.title for r in evaluated(reference, data_categories=categories).risks]
