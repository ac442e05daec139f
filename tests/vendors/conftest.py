"""A small catalogue and directory, and a recommendation with health and EU personal data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.vendors.models import Vendor
from tests.factories import DeliveryLocationFactory, EngagementModelFactory, KnowledgeFunctionFactory
from tests.vendors.factories import VendorFactory, make_recommendation, obligation, regime, snapshot


@dataclass
class Directory:
    coding: KnowledgeFunction
    legal: KnowledgeFunction
    india: DeliveryLocation
    poland: DeliveryLocation
    managed: EngagementModel
    pool: EngagementModel
    fits_best: Vendor  # BAA, delivers from Poland (EEA), offers the top model
    fits: Vendor  # BAA and SCCs, India
    fits_too: Vendor  # BAA, Poland, second model only
    no_baa: Vendor  # Poland, no BAA
    no_transfer: Vendor  # BAA, India only, no SCCs
    wrong_function: Vendor


@pytest.fixture
def catalogue(db: None) -> Directory:
    coding = KnowledgeFunctionFactory(code="coding", name="Medical coding")
    legal = KnowledgeFunctionFactory(code="legal-work", name="Legal review")
    india = DeliveryLocationFactory(code="india", name="India", overlap_us_eastern_hours=Decimal(0))
    poland = DeliveryLocationFactory(
        code="poland", name="Poland", gdpr_transfer=DeliveryLocation.Transfer.IN_EEA, overlap_uk_hours=Decimal(7)
    )
    managed = EngagementModelFactory(code="managed", name="Managed services")
    pool = EngagementModelFactory(code="pool", name="Shared pool")
    soc2 = timezone.localdate() - datetime.timedelta(days=150)

    def make(code: str, *, locations: list[DeliveryLocation], covers: object = None, **kwargs: object) -> Vendor:
        return VendorFactory(
            code=code,
            name=f"{code.replace('-', ' ').title()} (fictional)",
            locations=locations,
            models=kwargs.pop("models", [managed]),
            covers=covers or {coding: (10, 12, 14)},
            soc2_type2_report_date=soc2,
            **kwargs,
        )

    return Directory(
        coding=coding,
        legal=legal,
        india=india,
        poland=poland,
        managed=managed,
        pool=pool,
        fits_best=make("alpha-health", locations=[poland], signs_hipaa_baa=True),
        fits=make("bravo-coding", locations=[india], signs_hipaa_baa=True, offers_scc_module_2=True),
        fits_too=make("charlie-care", locations=[poland], signs_hipaa_baa=True, models=[pool]),
        no_baa=make("delta-data", locations=[poland]),
        no_transfer=make("echo-records", locations=[india], signs_hipaa_baa=True),
        wrong_function=make("foxtrot-legal", locations=[poland], signs_hipaa_baa=True, covers={legal: (20, 25, 30)}),
    )


def health_and_eu_snapshot(d: Directory) -> dict[str, object]:
    return snapshot(
        function=d.coding,
        regimes=[
            regime(
                "hipaa",
                "HIPAA",
                obligation("baa", "Sign a business associate agreement", "in_contract"),
                obligation("risk", "Update the risk analysis"),
            ),
            regime(
                "gdpr",
                "EU GDPR",
                obligation("dpa", "Sign an Article 28 processing agreement", "in_contract"),
                obligation("tia", "Document a transfer impact assessment"),
                obligation("audit", "Keep audit rights", "during"),
            ),
        ],
        models=[d.managed, d.pool],
        locations=[d.poland, d.india],
        budget=(9.0, 12.0, 15.0),
    )


@pytest.fixture
def recommendation(catalogue: Directory, organisation: Organisation, buyer: User, playbook: Playbook) -> Recommendation:
    return make_recommendation(organisation, buyer, playbook, health_and_eu_snapshot(catalogue), "Coding with EU data")


@pytest.fixture
def other_recommendation(
    catalogue: Directory, other_organisation: Organisation, outsider: User, playbook: Playbook
) -> Recommendation:
    return make_recommendation(other_organisation, outsider, playbook, health_and_eu_snapshot(catalogue), "Theirs")
