"""A shortlisted provider's checklist follows where that provider delivers from (review 86: a provider in Poland was
given India's data law, and not what delivery from Poland brings, from a recommendation worked out for India)."""

from __future__ import annotations

import pytest

from apps.accounts.models import Organisation, User
from apps.engagements.models import DeliveryLocation
from apps.playbooks.models import Playbook
from apps.vendors import services
from apps.vendors.models import Shortlist, ShortlistEntry
from tests.recommendations.conftest import recommend
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db
S = ShortlistEntry.Status
CASE = "US biotech: clinical trial data management and SAS programming for US and EU"


def _short_listed(rec: object, buyer: User, *codes: str) -> ShortlistEntry:
    vendor = VendorFactory(locations=list(DeliveryLocation.objects.filter(code__in=codes)))
    shortlist, _ = Shortlist.objects.get_or_create(
        organisation=rec.organisation, recommendation=rec, defaults={"created_by": buyer}
    )
    entry = ShortlistEntry.objects.create(
        organisation=rec.organisation, shortlist=shortlist, vendor=vendor, added_by=buyer
    )
    return services.change_entry(entry=entry, status=S.SHORT_LIST, notes="")


def _items(entry: ShortlistEntry) -> set[tuple[str, str]]:
    return set(entry.diligence.values_list("regime_code", "obligation_code"))


def test_a_provider_in_poland_gets_the_obligations_of_delivery_from_poland(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = recommend(reference, organisation, buyer, CASE)
    assert rec.record.evaluation.delivered_from == "india"
    at_home = _short_listed(rec, buyer, "india")
    in_poland = _short_listed(rec, buyer, "poland")

    # From India: the GDPR's transfer tool (delivered_from lists India) and India's own law on foreign data.
    assert ("gdpr", "transfer-tool") in _items(at_home)
    assert at_home.checklist_from == [] and services.checklist_note(at_home) == ""
    # From Poland, inside the EEA: no transfer tool, no Indian law; the GDPR's own duties stay.
    poland = _items(in_poland)
    assert ("gdpr", "transfer-tool") not in poland and not any(code.startswith("dpdp") for code, _ in poland)
    assert any(code == "gdpr" for code, _ in poland)
    assert in_poland.checklist_from == ["poland"]
    note = services.checklist_note(in_poland)
    assert note.startswith("These obligations are worked out for delivery from Poland, where ")
    assert "not India, as the recommendation was" in note


def test_a_provider_short_listed_though_its_locations_break_a_requirement_gets_their_obligations(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 87: short-listed anyway, a provider in Poland was still given India's obligations and no note.
    rec = recommend(reference, organisation, buyer, CASE, title="Needs overlap")
    ev = rec.record.evaluation
    broken = [loc.code for loc in ev.locations if loc.excluded_because]
    if not broken:
        pytest.skip("every location meets this case's requirements")
    entry = _short_listed(rec, buyer, broken[0])
    assert entry.checklist_from == [broken[0]]
    note = services.checklist_note(entry)
    assert "does not meet every requirement you set" in note
