"""A buyer whose own country is a delivery location of the catalogue (India, Brazil, Mexico) is told that its own
market is a KPO market too: a provider there is the comparison to make before moving the work abroad, with the
offshore location's cost against it from the catalogue's cost benchmarks. The fit score and verdict are about
buying the work from a specialist provider, domestic or offshore, so the caution does not move them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.evaluate import home_market_risk
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
# A Mumbai consumer-goods company moving its customer analytics to a team in Manila: the reference golden case.
MUMBAI = "Mumbai consumer-goods company"


def mumbai_answers(reference: Playbook) -> dict[str, Any]:
    return dict(reference.golden_cases.get(name__startswith=MUMBAI).answers)


def mumbai_submitted(organisation: Organisation, buyer: User, reference: Playbook) -> Any:
    """The Mumbai golden case submitted as a buyer of ``organisation``: its stored recommendation."""
    a = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        title="Mumbai",
        playbook=reference,
        answers=mumbai_answers(reference),
    )
    return submit_and_recommend(assessment=a, user=buyer)


def evaluated(reference: Playbook, **changes: Any) -> Any:
    return evaluated_case(reference, MUMBAI, **changes)


def caution(ev: Any) -> Any:
    found = [r for r in ev.risks if "your own country" in r.title]
    assert len(found) <= 1
    return found[0] if found else None


def test_an_indian_buyer_moving_work_to_the_philippines_is_told_to_compare_an_indian_provider(
    reference: Playbook,
) -> None:
    ev = evaluated(reference)
    assert ev.delivered_from == "philippines" and ev.verdict == "wins"
    risk = caution(ev)
    assert risk is not None and risk.title == (
        "A provider in India, your own country, is likely cheaper than delivery from the Philippines"
    )
    assert risk.severity == "medium"
    assert "Get quotes from providers in India before" in risk.mitigation
    assert "about 16% more" in risk.mitigation and "1.16" in risk.mitigation
    assert "Zedtreeo" in risk.mitigation and "weak source: verify" in risk.mitigation
    assert risk.mitigation.count("Zedtreeo") == 1  # both indices cite it: named once, marked weak


def test_the_caution_does_not_move_the_score(reference: Playbook) -> None:
    home, elsewhere = evaluated(reference), evaluated(reference, buyer_location="singapore", overlap_hours=0)
    assert (home.fit_score, home.verdict) == (elsewhere.fit_score, elsewhere.verdict)
    assert caution(elsewhere) is None


def test_a_brazilian_buyer_delivered_from_home_reads_no_caution_to_compare_a_provider_at_home(
    reference: Playbook,
) -> None:
    ev = evaluated(reference, buyer_location="brazil", preferred_region="latam", client_jurisdictions=["other"])
    # Brazil ties on points with the other Latin American locations preferred: the onshore option comes first.
    assert ev.delivered_from == "brazil" and ev.verdict == "wins"
    assert caution(ev) is None


def test_a_neighbour_at_the_same_cost_reads_about_the_same(reference: Playbook) -> None:
    locations = compiled_playbook(reference).catalogue.locations
    risk = home_market_risk(locations["brazil"], locations["argentina"])
    assert risk.title == "A provider in Brazil, your own country, costs about the same as delivery from Argentina"


def test_a_us_buyer_reads_no_home_market_caution(reference: Playbook) -> None:
    assert caution(evaluated(reference, buyer_location="us", overlap_hours=0)) is None


def test_no_caution_when_kpo_does_not_win(reference: Playbook) -> None:
    ev = evaluated(reference, core_differentiator="core", codifiability="tacit", ip_sensitivity="high")
    assert ev.verdict == "doesnt_win" and ev.delivered_from and caution(ev) is None


def test_the_caution_is_stored_and_shown_on_the_result_page(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = mumbai_submitted(organisation, buyer, reference)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "A provider in India, your own country, is likely cheaper than delivery from the Philippines" in page
