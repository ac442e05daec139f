"""Two models with the same points: the result says they tie, so the model listed first (by the documented
tie-break, the lighter commitment) is not read as a clear best fit; and a buyer whose provider runs the team
gets that answer's model, not a tie with staff augmentation, where the buyer's own managers direct the people."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
# An Ohio health system's denials analytics on claim-level PHI, its provider running a dedicated team.
OHIO = "Ohio health system: denials analytics on claim-level PHI"


def page(reference: Playbook, organisation: Organisation, buyer: User, client: Client, **changes: object) -> str:
    answers = reference.golden_cases.get(name__startswith=OHIO).answers
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Ohio", playbook=reference, answers={**answers, **changes}
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    return client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()


def test_a_tie_between_the_top_models_is_shown_as_a_tie(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Objectively measured output and time for a managed service to launch: the provider's dedicated team and
    # an outcome-priced service both fit a provider running the work, and nothing else separates them.
    shown = page(
        reference, organisation, buyer, buyer_client, quality_measurable="objective", start_within="three-to-six"
    )
    assert 'id="model-tie"' in shown
    assert "Dedicated team at the provider and Managed services (outcome-based) have 15 points each" in shown
    assert "choose between them by who you want accountable for the work day to day" in shown


@pytest.mark.parametrize("ownership", ["provider-team", "our-managers"])
def test_a_clear_best_fit_shows_no_tie(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, ownership: str
) -> None:
    assert 'id="model-tie"' not in page(reference, organisation, buyer, buyer_client, delivery_ownership=ownership)


@pytest.mark.parametrize("ownership", ["provider-team", "per-deliverable"])
def test_staff_augmentation_never_leads_or_ties_when_the_buyer_does_not_direct_the_people(
    reference: Playbook, ownership: str
) -> None:
    # Every golden situation, answered as a buyer whose provider runs the team or who buys deliverables:
    # staff augmentation (the buyer's own managers directing the people) is neither first nor level with the first.
    leading = []
    for name in reference.golden_cases.values_list("name", flat=True):
        ev = evaluated_case(reference, name, delivery_ownership=ownership)
        if "staff-augmentation" in (ev.top_model, *ev.tied_models):
            leading.append(name)
    assert leading == []
