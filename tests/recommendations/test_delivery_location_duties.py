"""Obligations and risks that belong to where the work is delivered from are shown only there: the GDPR and UK GDPR
transfer duties (SCCs, IDTA, transfer impact or risk assessment) and transfer risks for delivery from a location
needing a transfer tool, not from Poland inside the EEA; time-zone friction for a team giving the overlap only on a
shifted day, not for one that overlaps the buyer's day; Ukraine's war-related continuity risk for delivery from
Ukraine, not from Poland because Central and Eastern Europe was preferred."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
EURO_INSURER = "Euro-area buyer: an EU insurer's reserving analytics"
UK_RETAILER = "UK buyer: financial analysis for a UK retailer"
EU_TRANSFER = ("transfer-tool", "transfer-impact-assessment")
UK_TRANSFER = ("transfer-tool", "transfer-risk-assessment")
FRICTION = "Time-zone friction"
WAR = "The war puts continuity of delivery from Ukraine at risk"


def obligations(ev: Any, regime: str) -> list[str]:
    found = next(r for r in ev.regimes if r.code == regime)
    return [o["code"] for _phase, _label, items in found.obligations for o in items]


def risks(ev: Any) -> list[str]:
    return [r.title for r in ev.risks]


def test_an_eu_buyer_delivering_from_poland_is_not_given_chapter_v_transfer_duties(reference: Playbook) -> None:
    ev = evaluated_case(reference, EURO_INSURER)
    assert ev.delivered_from == "poland"
    codes = obligations(ev, "gdpr")
    assert "processor-contract" in codes and "record-and-role" in codes  # Art. 28 holds inside the EEA too
    assert not set(EU_TRANSFER) & set(codes)
    assert not [t for t in risks(ev) if "outside the EEA" in t]


def test_delivered_from_india_the_eu_buyer_gets_the_sccs_and_the_transfer_impact_assessment(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, EURO_INSURER, preferred_region="india", overlap_hours=0)
    assert ev.delivered_from == "india"
    assert set(EU_TRANSFER) <= set(obligations(ev, "gdpr"))
    assert "EU personal data transferred outside the EEA without a valid transfer mechanism" in risks(ev)


def test_delivered_from_an_adequate_country_the_transfer_tool_stays_but_no_transfer_impact_assessment(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, EURO_INSURER, preferred_region="latam", overlap_hours=0)
    assert ev.delivered_from in ("argentina", "brazil")
    codes = obligations(ev, "gdpr")
    assert "transfer-tool" in codes and "transfer-impact-assessment" not in codes


def test_a_uk_buyer_delivering_from_poland_is_not_given_the_idta_or_a_transfer_risk_assessment(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, UK_RETAILER)
    assert ev.delivered_from == "poland"
    codes = obligations(ev, "uk-gdpr")
    assert "uk-adequacy-check" in codes and "processor-contract" in codes
    assert not set(UK_TRANSFER) & set(codes)
    assert not [t for t in risks(ev) if "without a valid transfer mechanism" in t]
    india = evaluated_case(reference, UK_RETAILER, preferred_region="india", overlap_hours=0)
    assert india.delivered_from == "india" and set(UK_TRANSFER) <= set(obligations(india, "uk-gdpr"))


def test_the_result_page_lists_only_the_duties_of_the_location_it_recommends(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = reference.golden_cases.get(name__startswith=EURO_INSURER).answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "Put the Article 28 processor terms in the contract" in page
    assert "Document a transfer impact assessment" not in page
    assert "Choose a lawful transfer tool for non-EEA delivery" not in page


def test_no_time_zone_friction_where_the_recommended_location_overlaps_the_buyers_day(reference: Playbook) -> None:
    uk = evaluated_case(reference, UK_RETAILER, overlap_hours=4)
    assert uk.delivered_from in ("poland", "romania") and FRICTION not in risks(uk)
    us = evaluated_case(reference, "New York company: FP&A")
    assert us.delivered_from in ("mexico", "colombia") and FRICTION not in risks(us)


def test_time_zone_friction_for_a_team_giving_the_overlap_only_on_a_shifted_day(reference: Playbook) -> None:
    # A UK bank's own centre in India, where it has an entity: India ranks first, and meets four hours of overlap
    # only with its people on a day moved towards the UK's.
    ev = evaluated_case(reference, "UK bank: its own credit-analysis centre", own_entity=True, overlap_hours=4)
    assert ev.delivered_from == "india"
    friction = next(r for r in ev.risks if r.title == FRICTION)
    assert "shifted day" in friction.mitigation
    words = next(r.effects for r in ev.fired if r.code == "europe-overlap")
    assert "risk if the work is delivered from India, the Philippines, Mexico or Colombia: Time-zone friction" in words


def test_ukraines_continuity_risk_is_not_shown_for_delivery_from_poland(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_RETAILER, preferred_region="cee")
    assert ev.delivered_from == "poland"
    assert not [t for t in risks(ev) if "Ukraine" in t]


def test_ukraines_continuity_risk_is_shown_when_the_work_is_delivered_from_ukraine(reference: Playbook) -> None:
    definition = {**reference.definition}
    locations = definition["catalogue"]["locations"]
    # Only Ukraine left open: the risk follows the location, whatever region was preferred.
    definition["catalogue"] = {
        **definition["catalogue"],
        "locations": {c: {**loc, "retired": c != "ukraine"} for c, loc in locations.items()},
    }
    answers = reference.golden_cases.get(name__startswith=UK_RETAILER).answers
    ev = evaluate(compile_playbook(definition), answers)
    assert ev.delivered_from == "ukraine"
    assert WAR in risks(ev)


def test_an_eu_exporter_delivering_from_poland_checks_annex_iv_and_needs_no_export_authorisation(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, "EU dual-use drawings: a German machine builder's CAD work")
    assert ev.delivered_from == "poland"
    codes = obligations(ev, "eu-dual-use")
    assert "intra-eu-transfer" in codes and "authorisation" not in codes
    india = evaluated_case(reference, "EU dual-use drawings: a German machine builder's CAD work", overlap_hours=0)
    assert india.delivered_from == "india"
    codes = obligations(india, "eu-dual-use")
    assert "authorisation" in codes and "intra-eu-transfer" not in codes
