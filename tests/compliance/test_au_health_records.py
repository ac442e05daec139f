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


def test_a_public_hospital_or_state_body_is_told_the_privacy_act_may_not_bind_it(reference: Playbook) -> None:
    # A State or Territory authority is not an organisation under the Privacy Act (s. 6C(1)): APP 8 is not its rule.
    title = "If you are a state or territory body, the Privacy Act's APP 8 is not your rule"
    for sector in ("healthcare", "public-body"):
        ev = evaluated(
            reference, buyer_sector=sector, buyer_regulated_in="australia" if sector == "healthcare" else None
        )
        (risk,) = [r for r in ev.risks if r.title == title]
        assert risk.rule == "au-state-authority-outside-privacy-act" and "(s. 6C(1))" in risk.mitigation
        assert "au-privacy-app8" in ev.regime_codes  # a private hospital or a Commonwealth agency still reads it
        app8 = next(r for r in ev.regimes if r.code == "au-privacy-app8")
        assert "not an organisation under the Act (s. 6C(1))" in app8.summary
    # A private company elsewhere in the economy, or a buyer whose people work outside Australia, is not told so.
    assert title not in [r.title for r in evaluated(reference, buyer_sector="other", buyer_regulated_in=None).risks]
    assert title not in [r.title for r in evaluated(reference, buyer_location="us", overlap_hours=None).risks]
    # The state health-records laws it names are those that govern records sent out of the state.
    fired = next(f for f in evaluated(reference).fired if f.code == "au-health-records-not-covered")
    assert "HPP 14" in fired.rationale and "HPP 9" in fired.rationale
