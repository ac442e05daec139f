"""factory-boy factories for the product's models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.accounts.models import Invitation, LoginThrottle, Membership, Organisation, SsoDomain, User
from apps.compliance.models import Obligation, Regime
from apps.discussion.models import Comment, Notification
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction
from apps.playbooks.models import Option, Playbook, Question, Rule, Section
from apps.questionnaire.models import Answer, Assessment
from apps.vendors.models import DiligenceItem, Shortlist, ShortlistEntry

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


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Membership.Role.VIEWER
    invited_by = None


class SsoDomainFactory(DjangoModelFactory):
    class Meta:
        model = SsoDomain

    organisation = factory.SubFactory(OrganisationFactory)
    domain = factory.Sequence(lambda n: f"sso{n}.example.test")
    sso_required = False


class LoginThrottleFactory(DjangoModelFactory):
    """Failed sign-ins for one email and address; ``first_failure_at`` and ``last_failure_at`` default to now."""

    class Meta:
        model = LoginThrottle

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    ip = "192.0.2.1"
    failures = 1
    first_failure_at = factory.LazyFunction(timezone.now)
    last_failure_at = factory.SelfAttribute("first_failure_at")


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


class PlaybookFactory(DjangoModelFactory):
    """A draft playbook with no content; the ``playbook`` fixture (tests/conftest.py) is a complete published one."""

    class Meta:
        model = Playbook

    title = factory.Sequence(lambda n: f"Playbook {n}")


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    playbook = factory.SubFactory(PlaybookFactory)
    code = factory.Sequence(lambda n: f"section_{n}")
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    playbook = factory.SelfAttribute("section.playbook")
    code = factory.Sequence(lambda n: f"question_{n}")
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.YES_NO
    order = factory.Sequence(lambda n: n)


class OptionFactory(DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)
    code = factory.Sequence(lambda n: f"option_{n}")
    label = factory.Sequence(lambda n: f"Option {n}")
    order = factory.Sequence(lambda n: n)


class RuleFactory(DjangoModelFactory):
    class Meta:
        model = Rule

    playbook = factory.SubFactory(PlaybookFactory)
    code = factory.Sequence(lambda n: f"rule_{n}")
    name = factory.Sequence(lambda n: f"Rule {n}")
    rationale = "Why this rule exists."


class AssessmentFactory(DjangoModelFactory):
    """A draft assessment. ``answers={code: value}`` stores those answers with it (one query)."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Assessment {n}")
    playbook = factory.SubFactory(PlaybookFactory)  # tests answering real questions give the playbook

    @factory.post_generation
    def answers(self, create: bool, extracted: dict[str, Any] | None, **kwargs: Any) -> None:
        if create and extracted:
            Answer.objects.bulk_create(
                Answer(organisation_id=self.organisation_id, assessment=self, question_code=c, value=v)
                for c, v in extracted.items()
            )


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    assessment = factory.SubFactory(AssessmentFactory)
    organisation = factory.SelfAttribute("assessment.organisation")
    question_code = factory.Sequence(lambda n: f"question_{n}")
    value = True


class ShortlistFactory(DjangoModelFactory):
    """The shortlist of a ``recommendation`` (give one), in its organisation."""

    class Meta:
        model = Shortlist

    organisation = factory.SelfAttribute("recommendation.organisation")
    created_by = factory.SelfAttribute("recommendation.created_by")


class ShortlistEntryFactory(DjangoModelFactory):
    """A vendor (give one) on a shortlist."""

    class Meta:
        model = ShortlistEntry

    organisation = factory.SelfAttribute("shortlist.organisation")
    added_by = factory.SelfAttribute("shortlist.created_by")
    status = ShortlistEntry.Status.SHORT_LIST


class DiligenceItemFactory(DjangoModelFactory):
    class Meta:
        model = DiligenceItem

    organisation = factory.SelfAttribute("entry.organisation")
    regime_code = "gdpr"
    regime_name = "GDPR"
    obligation_code = factory.Sequence(lambda n: f"obligation-{n}")
    title = "Sign a processing agreement"


class CommentFactory(DjangoModelFactory):
    """A comment on a question of an assessment (give ``assessment``; the organisation follows it)."""

    class Meta:
        model = Comment

    assessment = factory.SubFactory(AssessmentFactory)
    organisation = factory.SelfAttribute("assessment.organisation")
    question_code = "judgement"
    author = factory.SelfAttribute("assessment.created_by")
    body = "Is this really judgement work?"


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    organisation = factory.SubFactory(OrganisationFactory)
    recipient = factory.SubFactory(UserFactory)
    kind = "mentioned"
    summary = "Someone mentioned you in a comment"
    url = "/assessments/"
