"""What a triggered regime requires of a provider is curated data (``Regime.vendor_requirement``): frozen into
the published playbook, stored with each regime of a recommendation, and read by vendor matching; a snapshot
stored before it was curated keeps the requirement matching applied then."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.compliance.models import Regime
from apps.playbooks.definition import catalogue_snapshot
from apps.playbooks.models import Playbook
from tests.recommendations.conftest import recommend
from tests.vendors.test_matching import failures, regime, snap, vendor


def curated(code: str, requirement: str) -> dict[str, Any]:
    return {**regime(code), "vendor_requirement": requirement}


def test_a_regime_requires_what_its_curator_chose_whatever_its_code() -> None:
    renamed = snap(curated("us-health-privacy", "hipaa-baa"))
    assert failures(renamed, vendor()) == ["hipaa-baa"]
    assert failures(renamed, vendor(capabilities=frozenset({"signs_hipaa_baa"}))) == []


def test_a_regime_whose_curator_requires_nothing_excludes_nobody() -> None:
    assert failures(snap(curated("hipaa", "")), vendor()) == []


def test_a_snapshot_stored_before_the_requirement_was_curated_keeps_the_old_one() -> None:
    stored = snap("hipaa", "gdpr", "ccpa")
    assert [r.vendor_requirement for r in stored.evaluation.regimes] == ["hipaa-baa", "gdpr-transfer", ""]
    assert failures(stored, vendor()) == ["hipaa-baa", "gdpr-transfer"]


def test_two_regimes_asking_the_same_of_a_provider_make_one_requirement() -> None:
    both = snap(curated("us-health-privacy", "hipaa-baa"), curated("state-health-law", "hipaa-baa"))
    assert failures(both, vendor()) == ["hipaa-baa"]


def test_an_unknown_requirement_in_a_stored_snapshot_is_ignored() -> None:
    assert failures(snap(curated("hipaa", "a-later-kind")), vendor()) == []


@pytest.mark.django_db
def test_the_reference_regimes_carry_their_requirement_into_the_published_catalogue(reference: Playbook) -> None:
    assert Regime.objects.get(code="gdpr").vendor_requirement == "gdpr-transfer"
    assert reference.definition["catalogue"]["regimes"]["hipaa"]["vendor_requirement"] == "hipaa-baa"
    Regime.objects.filter(code="ccpa").update(vendor_requirement=Regime.VendorRequirement.SOC2)
    assert catalogue_snapshot()["regimes"]["ccpa"]["vendor_requirement"] == "soc2"


@pytest.mark.django_db
def test_a_new_recommendation_stores_each_regimes_requirement_and_matching_reads_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hospital group")
    stored = {r["code"]: r["vendor_requirement"] for r in rec.snapshot["evaluation"]["regimes"]}
    assert stored["hipaa"] == "hipaa-baa"
    response = buyer_client.get(reverse("vendors:matching", args=[rec.pk]))
    assert response.status_code == 200
    assert "Signs a HIPAA business associate agreement" in response.content.decode()
