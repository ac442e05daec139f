"""A location's name reads right inside a sentence: "delivered from the Philippines", "The Philippines overlaps
...", while headings, table cells and lists keep the catalogue name ("Philippines", sorted under P). A
recommendation stored before the in-text form was recorded still renders, with the name itself."""

from __future__ import annotations

import copy
import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.engagements.models import DeliveryLocation
from apps.playbooks.engine import requirements as req
from apps.playbooks.engine.evaluate import home_market_risk
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from apps.recommendations.snapshot import read_snapshot
from apps.vendors.matching import LocationFacts, Needs, Requirement, VendorFacts, match_one
from tests.recommendations.test_home_market_caution import caution, evaluated, mumbai_submitted
from tests.recommendations.test_snapshot import store

pytestmark = pytest.mark.django_db

MANILA = {"name": "Philippines", "name_in_text": "the Philippines", "cost_index": 1.16, "gdpr_transfer": "needs_sccs"}
PUNE = {"name": "India", "name_in_text": "", "cost_index": 1.0, "gdpr_transfer": "needs_sccs"}


def test_the_catalogue_curates_the_philippines_in_text_and_leaves_other_names_as_they_are(reference: Playbook) -> None:
    names = {loc.code: loc.in_text for loc in DeliveryLocation.objects.all()}
    assert names["philippines"] == "the Philippines"
    assert names["india"] == "India" and names["poland"] == "Poland"
    assert DeliveryLocation.objects.get(code="philippines").name == "Philippines"


def test_in_text_falls_back_to_the_name_for_a_catalogue_frozen_before_it() -> None:
    assert req.in_text(MANILA) == "the Philippines"
    assert req.in_text({"name": "Philippines"}) == "Philippines"
    assert req.in_text({}, "philippines") == "philippines"


def test_a_reason_opening_with_the_location_capitalises_it() -> None:
    onsite = req.Requirement("onsite", "onsite", "Provider staff present on your site", True)
    needs = req.Requirements((onsite,), ())
    [breach] = req.location_breaches(needs, {"philippines": MANILA})
    assert breach.name == "Philippines"  # the label, as lists show it
    assert breach.reason.startswith("The Philippines is offshore")


def test_an_indian_buyer_delivered_from_the_philippines_reads_it_in_every_sentence(reference: Playbook) -> None:
    ev = evaluated(reference)
    assert ev.delivered_from == "philippines"
    risk = caution(ev)
    assert risk is not None
    assert risk.title.endswith("delivery from the Philippines")
    assert "delivery from the Philippines costs about 16% more" in risk.mitigation
    assert "from Philippines" not in risk.title + risk.mitigation


def test_the_home_caution_writes_a_plural_name_s_possessive_as_british_usage_does() -> None:
    risk = home_market_risk(MANILA, PUNE)
    assert risk.title == "Delivery from India is likely cheaper than a provider in the Philippines, your own country"
    assert "against the Philippines' 1.16" in risk.mitigation


def test_vendor_matching_names_the_philippines_in_its_sentences() -> None:
    manila = LocationFacts("philippines", "Philippines", overlap_us=0, overlap_uk=0.5, name_in_text="the Philippines")
    onshore = Requirement("onshore", "Delivers from inside your own country", "")
    vendor = VendorFacts(
        code="v",
        name="Vendor",
        locations=(manila,),
        models=frozenset(),
        rates={},
        capabilities=frozenset(),
        soc2_report_date=None,
        capacity_fte=None,
        last_verified=datetime.date(2026, 11, 26),
    )
    [failure] = match_one(
        Needs(requirements=(onshore,), home="brazil"), vendor, today=datetime.date(2026, 12, 1)
    ).failures
    assert failure.detail.startswith("Delivers only from the Philippines: offshore delivery")


def test_the_result_page_says_delivered_from_the_philippines_and_its_table_says_philippines(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = mumbai_submitted(organisation, buyer, reference)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "delivered from <strong>the Philippines</strong>" in page
    assert re.search(r'<th scope="row">Philippines\b', page)  # the locations table keeps the catalogue name
    assert ", delivered from the Philippines." in render_memo_html(rec, "http://testserver")


def without_in_text(document: Any) -> Any:
    """``document`` as stored before locations recorded how their names read in a sentence."""
    old = copy.deepcopy(document)
    for location in old["evaluation"]["locations"]:
        location.pop("name_in_text", None)
    if old["evaluation"]["cost"].get("cheaper_location"):
        old["evaluation"]["cost"]["cheaper_location"].pop("name_in_text", None)
    return old


def test_a_recommendation_stored_before_the_in_text_name_renders_with_the_name(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = mumbai_submitted(organisation, buyer, reference)
    assert "name_in_text" in rec.snapshot["evaluation"]["locations"][0]
    old = without_in_text(rec.snapshot)
    assert read_snapshot(old).evaluation.delivery_location.in_text == "Philippines"
    stored = store(old, organisation=organisation, user=buyer, playbook=reference)
    response = buyer_client.get(reverse("recommendations:detail", args=[stored.pk]))
    assert response.status_code == 200
    assert "delivered from <strong>Philippines</strong>" in response.content.decode()
