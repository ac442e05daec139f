"""Beside a tie between models, broken only by the tie-break, the result names the high risks the model put first
carries because it is recommended (a UK accountancy firm's seasonal returns: a shared pool, first over a dedicated
team as the lighter commitment, may be short of preparers in the peak every client shares)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from apps.recommendations.snapshot import read_snapshot
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_answers

pytestmark = pytest.mark.django_db
UK_ACCOUNTANCY: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "kpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "none",
    "start_within": "three-to-six",
    "mgmt_hours": 3,
    "overnight_turnaround": False,
    "work_nature": "mixed",
    "codifiability": "high",
    "quality_measurable": "objective",
    "core_differentiator": "commodity",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "seasonal",
    "horizon": 5,
    "delivery_ownership": "provider-team",
    "licensed_signoff": ["cpa"],
    "own_figures": False,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "india",
    "function": "tax-preparation",
    "buyer_sector": "accounting-firm",
    "buyer_regulated_in": "uk",
    "peak_share": 50,
    "deliverables": 3000,
    "annual_hours": 18000,
    "team_size": 15,
    "tax_preparer": False,
    "client_jurisdictions": ["uk"],
    "data_categories": ["uk-personal"],
    "buyer_location": "uk",
    "overlap_hours": 3,
    "shifted_hours": True,
    "signoff_capacity": "yes",
    "home_market": "uk",
}
PEAK = "The pool may be short of preparers in your peak: its other clients file to the same deadlines"


def test_the_top_models_own_high_risk_is_named_beside_the_tie(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    ev = evaluated_answers(reference, UK_ACCOUNTANCY)
    assert ev.models[0].code == "shared-pool" and ev.tied_models
    assert ev.top_model_high_risks == (PEAK,)
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=UK_ACCOUNTANCY)
    rec = submit_and_recommend(assessment=a, user=buyer)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert f"Read the high risk Shared pool / pay-per-use carries here before you do: {PEAK}." in page
    older = {
        **rec.snapshot,
        "evaluation": {k: v for k, v in rec.snapshot["evaluation"].items() if k != "top_model_high_risks"},
    }
    assert read_snapshot(older).evaluation.top_model_high_risks == ()


def test_no_model_risk_is_named_for_a_model_first_on_points(reference: Playbook) -> None:
    ev = evaluated_answers(reference, UK_ACCOUNTANCY, volume_pattern="steady", peak_share=None)
    assert not ev.tied_models or ev.models[0].code != "shared-pool"
    assert PEAK not in ev.top_model_high_risks
