"""Two models with the same points: the result says they tie, so the model listed first (by the documented
tie-break, the lighter commitment) is not read as a clear best fit over the buyer's own account of who runs the
work."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
# An Ohio health system's denials analytics on claim-level PHI, its provider running a dedicated team.
OHIO = {
    "function": "medical-coding",
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "buyer_sector": "healthcare",
    "buyer_regulated_in": "us",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 8000,
    "team_size": 4,
    "horizon": 3,
    "start_within": "one-to-three",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 3,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "client_jurisdictions": ["us"],
    "data_categories": ["phi"],
    "hipaa_role": "covered-entity",
    "medicaid_offshore": "restricted",
    "phi_deidentify": False,
    "data_onshore_only": False,
    "buyer_location": "us",
    "overlap_hours": 3,
    "shifted_hours": True,
    "overnight_turnaround": True,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "home_market": "us",
    "own_figures": False,
    "vendor_assurance": ["soc2"],
    "preferred_region": "india",
}


def page(reference: Playbook, organisation: Organisation, buyer: User, client: Client, **changes: object) -> str:
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Ohio", playbook=reference, answers={**OHIO, **changes}
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    return client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()


def test_a_tie_between_the_top_models_is_shown_as_a_tie(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    shown = page(reference, organisation, buyer, buyer_client)
    assert 'id="model-tie"' in shown
    assert "Staff augmentation and Dedicated captive team (the provider&#x27;s) have 15 points each" in shown
    assert "choose between them by who you want accountable for the work day to day" in shown


def test_a_clear_best_fit_shows_no_tie(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    assert 'id="model-tie"' not in page(reference, organisation, buyer, buyer_client, delivery_ownership="our-managers")
