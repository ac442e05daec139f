"""factory-boy factories for the product's models."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.accounts.models import Membership, Organisation, User
from apps.compliance.models import Obligation, Regime
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction

PASSWORD = "correct-horse-battery-9"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.EDITOR


SOURCE = [{"title": "Test source", "url": "https://example.test/source"}]


class EngagementModelFactory(DjangoModelFactory):
    class Meta:
        model = EngagementModel

    code = factory.Sequence(lambda n: f"model-{n}")
    name = factory.Sequence(lambda n: f"Model {n}")
    summary = "A way to buy knowledge work."
    pricing_basis = EngagementModel.PricingBasis.MONTHLY_TEAM
    rate_low, rate_likely, rate_high = Decimal(30), Decimal(45), Decimal(60)
    commitment_hours = 2000
    sources = SOURCE


class KnowledgeFunctionFactory(DjangoModelFactory):
    class Meta:
        model = KnowledgeFunction

    code = factory.Sequence(lambda n: f"function-{n}")
    name = factory.Sequence(lambda n: f"Function {n}")
    summary = "Knowledge work."
    credentials = "CFA"
    kpo_rate_low, kpo_rate_likely, kpo_rate_high = Decimal(15), Decimal(25), Decimal(35)
    inhouse_us_low, inhouse_us_likely, inhouse_us_high = Decimal(45), Decimal(80), Decimal(120)
    sources = SOURCE


class DeliveryLocationFactory(DjangoModelFactory):
    class Meta:
        model = DeliveryLocation

    code = factory.Sequence(lambda n: f"location-{n}")
    name = factory.Sequence(lambda n: f"Location {n}")
    region = "Asia"
    utc_offset_minutes = 330
    dst_rule = "none"
    overlap_us_eastern_hours = Decimal(0)
    overlap_uk_hours = Decimal(3)
    gdpr_transfer = DeliveryLocation.Transfer.NEEDS_SCCS
    sources = SOURCE


class RegimeFactory(DjangoModelFactory):
    class Meta:
        model = Regime

    code = factory.Sequence(lambda n: f"regime-{n}")
    name = factory.Sequence(lambda n: f"Regime {n}")
    jurisdiction = "EU"
    summary = "A regime."
    trigger = "When personal data is processed."
    sources = SOURCE


class ObligationFactory(DjangoModelFactory):
    class Meta:
        model = Obligation

    regime = factory.SubFactory(RegimeFactory)
    code = factory.Sequence(lambda n: f"obligation-{n}")
    title = "Sign a processing agreement"
    action = "Put the mandatory terms in the contract."
    phase = Obligation.Phase.IN_CONTRACT
    citation = "Art. 28(3)"
