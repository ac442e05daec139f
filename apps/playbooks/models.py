"""Playbooks: the versioned, curated brain behind the questionnaire and the recommendation.

A playbook is a draft while curators edit it. Publishing freezes it: its full definition (sections,
questions, options, conditions, rules, thresholds, and the catalogue figures it uses) is stored as
JSON in ``definition``, and the engine only ever reads that. Published and retired playbooks are
never edited again; curators copy them into a new draft.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.common.audit import audited
from apps.common.models import code_validator
from apps.compliance.models import Regime
from apps.engagements.models import DeliveryLocation, EngagementModel
from apps.playbooks.engine import schema


class PlaybookQuerySet(models.QuerySet["Playbook"]):
    def published(self) -> PlaybookQuerySet:
        return self.filter(status=Playbook.Status.PUBLISHED)

    def current(self) -> Playbook | None:
        """The newest published playbook: the one new assessments start on. Without its frozen definition (some
        hundreds of kilobytes of JSON, decoded on every page that asks): the engine reads it once per process
        (``runtime.compiled_playbook``), and reading ``definition`` still works: it loads then."""
        return self.published().defer("definition").order_by("-version").first()


class PlaybookBaseManager(models.Manager["Playbook"]):
    """How related lookups (``assessment.playbook``, ``recommendation.playbook``) load a playbook: without
    its frozen definition, a large JSON document the request path never reads (the engine gets it once
    per process through ``runtime.compiled_playbook``). Reading ``definition`` still works: it loads then."""

    def get_queryset(self) -> models.QuerySet[Playbook]:
        return super().get_queryset().defer("definition")


@audited(exclude=["definition"])
class Playbook(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="What changed in this version and why (curators only).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(null=True, blank=True, editable=False, help_text="Set when published.")
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts", editable=False
    )
    wins_threshold = models.PositiveSmallIntegerField(
        default=65, help_text="Fit score (0-100) at or above which KPO wins, when nothing blocks it."
    )
    conditional_threshold = models.PositiveSmallIntegerField(
        default=45, help_text="Fit score at or above which KPO wins on conditions; below it, KPO doesn't win."
    )
    definition = models.JSONField(null=True, blank=True, editable=False, help_text="Frozen at publication.")
    reference_digest = models.CharField(max_length=64, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaybookQuerySet.as_manager()
    without_definition = PlaybookBaseManager()

    class Meta:
        base_manager_name = "without_definition"
        ordering = ["-version", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="playbook_unique_version"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(version__isnull=False, definition__isnull=False),
                name="playbook_published_has_version_and_definition",
            ),
            models.CheckConstraint(
                condition=Q(conditional_threshold__lte=models.F("wins_threshold")) & Q(wins_threshold__lte=100),
                name="playbook_thresholds_in_order",
                violation_error_message=(
                    "The wins threshold must be at or above the conditional threshold, and at most 100."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.version is None:
            return f"{self.title} (draft #{self.pk})"
        return f"{self.title} (v{self.version}, {self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class VisibilityMode(models.TextChoices):
    ALL = "all", "All conditions hold"
    ANY = "any", "Any condition holds"


@audited()
class Section(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=60, validators=[code_validator])
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    visible_when = models.CharField(max_length=3, choices=VisibilityMode.choices, default=VisibilityMode.ALL)

    class Meta:
        ordering = ["playbook", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["playbook", "code"], name="section_unique_code_per_playbook")]

    def __str__(self) -> str:
        return self.title


@audited()
class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTI = "multi", "Multiple choice"
        YES_NO = "yes_no", "Yes or no"
        INTEGER = "integer", "Whole number"
        MONEY = "money", "Amount of money (USD)"
        PERCENT = "percent", "Percentage"

    class Role(models.TextChoices):
        NONE = "", "None"
        FUNCTION = "function", "Knowledge function (option codes are function codes)"
        ANNUAL_HOURS = "annual_hours", "Annual hours of work"
        TEAM_SIZE = "team_size", "Team size (people)"
        DELIVERABLES = "deliverables", "Deliverables per year"
        HORIZON = "horizon", "Horizon in years"
        DURATION_WEEKS = (
            "duration_weeks",
            "How many weeks the work lasts when it is done once within a year (a number; costs cover those weeks)",
        )
        HOME_MARKET = "home_market", "Home market for the in-house comparison (options 'us', 'uk')"
        BUYER_LOCATION = "buyer_location", "Where the buyer's people work (options 'us', 'uk', 'eu', 'other')"
        OVERLAP_HOURS = "overlap_hours", "Hours of live overlap a day the buyer needs (a number)"
        VENDOR_ASSURANCE = "vendor_assurance", "Assurance the buyer requires of a vendor (options 'soc2', 'iso27001')"
        DATA_LOCATION = (
            "data_location",
            "Where data may be processed (options 'anywhere', 'adequate', 'eea', 'onshore'; "
            "or yes/no: yes keeps it in the buyer's country)",
        )
        ONSITE = "onsite", "Provider staff must be on the buyer's site (yes/no)"
        LICENSED_SIGNOFF = "licensed_signoff", "A licensed professional must sign off onshore (yes/no)"
        PREFERRED_REGION = "preferred_region", "Preferred delivery region (location codes or region names)"
        OVERNIGHT_TURNAROUND = "overnight_turnaround", "Work turned around overnight is wanted (yes/no)"
        COST_PRIORITY = "cost_priority", "Cost priority (option 'lowest' makes the lowest cost a preference)"
        SHIFTED_HOURS = "shifted_hours", "Provider staff on shifted hours are acceptable for overlap (yes/no)"
        START_WITHIN = (
            "start_within",
            "How soon the provider's work must start (options 'within-month', 'one-to-three', 'three-to-six', 'later')",
        )
        OWN_INHOUSE_COST = (
            "own_inhouse_cost",
            "The buyer's loaded cost of one in-house person a year, in the home market's currency (a number)",
        )
        QUOTED_RATE = "quoted_rate", "A provider's quoted hourly rate for a dedicated person, in US dollars"
        QUOTED_PRICE = "quoted_price", "A provider's quoted price per deliverable, in US dollars"
        DISPLACED_STAFF = "displaced_staff", "In-house staff who would leave and be paid severance (a number)"
        OWN_ENTITY = (
            "own_entity",
            "The buyer already has a legal entity in the delivery country, for a centre it owns (yes/no)",
        )
        BUYER_COUNTRY = (
            "buyer_country",
            "The country within the buyer's region, where it keeps its own clock (option 'ireland': the UK's day)",
        )
        OFFSHORE_BAN = (
            "offshore_ban",
            "Rules forbid offshore work on the data (option 'banned', or yes): it must stay in the buyer's country",
        )
        BUYER_ZONE = (
            "buyer_zone",
            "The time zone of a buyer in the United States (options 'eastern', 'central', 'mountain', 'pacific')",
        )
        PEAK_SHARE = (
            "peak_share",
            "The share of a year's hours in its busiest three months, for seasonal work (a percentage)",
        )
        BUDGET_FX = (
            "budget_fx",
            "The buyer's budget exchange rate: its home currency per 100 US dollars (a number)",
        )
        QUOTE_RISE = (
            "quote_rise",
            "How much a year the buyer's quoted price may rise, in per cent (its price-adjustment clause; a number)",
        )
        CRITICAL_FUNCTION = (
            "critical_function",
            "The work supports a critical or important function, so provider contracts are negotiated (yes/no)",
        )
        FEDERAL_TAX_INFO = (
            "federal_tax_info",
            "The work involves US federal tax information (option 'yes'): IRS Publication 1075 bars offshore access, "
            "so it must stay in the United States",
        )
        DEMAND_PATTERN = (
            "demand_pattern",
            "The shape of a year's demand (options 'steady', 'seasonal', 'one-off'): work done once or in season is "
            "staffed from a provider's bench, so a large team launches no later",
        )
        WORK_LANGUAGE = (
            "work_language",
            "The language besides English the team must work in (an option code): the locations rules give points for "
            "it rank before every other",
        )

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=60, validators=[code_validator])
    prompt = models.CharField(max_length=300)
    help_text = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    required = models.BooleanField(default=True, help_text="Required when visible.")
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=30, blank=True, help_text="Shown after numbers, e.g. 'hours a year'.")
    role = models.CharField(max_length=20, choices=Role.choices, blank=True, default="")
    fixed = models.BooleanField(
        default=False,
        help_text=(
            "A fact about the buyer or its obligations, not a choice it could make differently (its sector, where it "
            "is, who regulates it): what would flip it never suggests changing the answer."
        ),
    )
    order = models.PositiveIntegerField(default=0)
    visible_when = models.CharField(max_length=3, choices=VisibilityMode.choices, default=VisibilityMode.ALL)

    class Meta:
        ordering = ["playbook", "section__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "code"], name="question_unique_code_per_playbook"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_bounds_in_order",
                violation_error_message="The smallest answer allowed must be at or below the largest.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.prompt}"

    @property
    def has_options(self) -> bool:
        return self.kind in {self.Kind.SINGLE, self.Kind.MULTI}


@audited()
class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(max_length=60, validators=[code_validator])
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="option_unique_code_per_question")]

    def __str__(self) -> str:
        return self.label


class Operator(models.TextChoices):
    EQUALS = "equals", "equals"
    ONE_OF = "one_of", "is one of"
    NONE_OF = "none_of", "is none of"
    NOT_ONE_OF = "not_one_of", "is none of, or unanswered"
    CONTAINS_ANY = "contains_any", "includes any of"
    CONTAINS_ALL = "contains_all", "includes all of"
    AT_LEAST = "at_least", "is at least"
    AT_MOST = "at_most", "is at most"
    BETWEEN = "between", "is between"
    ANSWERED = "answered", "is answered"
    NOT_ANSWERED = "not_answered", "is not answered"


@audited()
class Rule(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(max_length=60, validators=[code_validator])
    name = models.CharField(max_length=200)
    rationale = models.TextField(help_text="Why this rule exists, in words shown to the buyer.")
    match = models.CharField(max_length=3, choices=VisibilityMode.choices, default=VisibilityMode.ALL)
    order = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["playbook", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["playbook", "code"], name="rule_unique_code_per_playbook")]

    def __str__(self) -> str:
        return self.name


@audited()
class Condition(models.Model):
    """One test on an earlier answer. It belongs to exactly one section, question or rule."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="conditions")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE, related_name="conditions")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE, related_name="conditions")
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.CASCADE, related_name="conditions")
    subject = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", help_text="The question whose answer is tested."
    )
    operator = models.CharField(max_length=14, choices=Operator.choices)
    value = models.JSONField(
        null=True, blank=True, help_text="An option code, a list of codes, a number, [low, high], or true/false."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(section__isnull=False, question__isnull=True, rule__isnull=True)
                    | Q(section__isnull=True, question__isnull=False, rule__isnull=True)
                    | Q(section__isnull=True, question__isnull=True, rule__isnull=False)
                ),
                name="condition_has_exactly_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject.code} {self.get_operator_display()} {self.value!r}"

    def as_data(self) -> dict[str, Any]:
        return {"question": self.subject.code, "op": self.operator, "value": self.value}


@audited()
class Effect(models.Model):
    class Kind(models.TextChoices):
        FIT = "fit", "Fit points"
        MODEL = "model", "Engagement model points"
        BLOCKER = "blocker", "Blocker (KPO doesn't win)"
        REGIME = "regime", "Trigger a regime"
        RISK = "risk", "Risk"
        LOCATION = "location", "Delivery location points"
        CONDITION = "condition", "Condition of the verdict (a checkable item)"
        GATE = "gate", "Legal gate (caps the verdict at “KPO wins, on conditions”)"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="effects")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    points = models.IntegerField(
        default=0,
        help_text=f"Plus or minus, for fit, model and location effects: at most {schema.MAX_POINTS} either way.",
        validators=[MinValueValidator(-schema.MAX_POINTS), MaxValueValidator(schema.MAX_POINTS)],
    )
    engagement_model = models.ForeignKey(EngagementModel, null=True, blank=True, on_delete=models.PROTECT)
    regime = models.ForeignKey(Regime, null=True, blank=True, on_delete=models.PROTECT)
    location = models.ForeignKey(DeliveryLocation, null=True, blank=True, on_delete=models.PROTECT)
    text = models.TextField(
        blank=True,
        help_text="The blocker's reason, the risk's title, the condition as a checkable item "
        "(“Sign a BAA before any PHI moves”), or what a legal gate needs settled before signing, as a phrase "
        "that reads after “KPO would win on fit, but …” (“the export authorisation for the controlled data”).",
    )
    severity = models.CharField(max_length=6, choices=Severity.choices, blank=True)
    mitigation = models.TextField(blank=True)
    notice = models.BooleanField(
        default=False,
        help_text="A gate only: it is a notice the regulator or supervisor may object to (the objection then to be "
        "settled), not an approval, licence or consent that may be refused.",
    )
    evidence = models.BooleanField(
        default=False,
        help_text="A gate only: it is evidence the provider must give and you judge (a language shown on real work), "
        "not an approval, licence or consent that may be refused.",
    )
    own = models.BooleanField(
        default=False,
        help_text="A gate only: it is something you arrange yourselves before signing (a licensed supervisor's time), "
        "not an approval, licence or consent someone else may refuse.",
    )

    class Meta:
        ordering = ["rule", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="model") | Q(engagement_model__isnull=False),
                name="effect_model_names_a_model",
                violation_error_message="A model effect names the engagement model it gives points to.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="regime") | Q(regime__isnull=False),
                name="effect_regime_named",
                violation_error_message="A regime effect names the regime it triggers.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="location") | Q(location__isnull=False),
                name="effect_location_named",
                violation_error_message="A location effect names the delivery location it gives points to.",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["blocker", "risk", "condition", "gate"]) | ~Q(text=""),
                name="effect_text_given",
                violation_error_message="A blocker, risk, condition or gate says what it is: give its text.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} ({self.points:+d})"
            if self.kind in {"fit", "model", "location"}
            else self.get_kind_display()
        )

    def clean(self) -> None:
        """Notice and Evidence are a gate's, and one gate is not both (review 52: admin saved either on a risk, and
        both on one gate, which lint then refused at publishing)."""
        errors: dict[str, str] = {}
        if self.kind != self.Kind.GATE:
            if self.notice:
                errors["notice"] = "Only a gate can be a notice: untick it, or make this effect a gate."
            if self.evidence:
                errors["evidence"] = (
                    "Only a gate can be the provider's evidence: untick it, or make this effect a gate."
                )
            if self.own:
                errors["own"] = "Only a gate can be yours to arrange: untick it, or make this effect a gate."
        elif self.notice + self.evidence + self.own > 1:
            errors["own" if self.own else "evidence"] = (
                "A gate is one of a notice, the provider's evidence or yours to arrange: untick the others."
            )
        if errors:
            raise ValidationError(errors)


@audited()
class GoldenCase(models.Model):
    """A curator's test: answers, and what the playbook must produce for them."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="golden_cases")
    name = models.CharField(max_length=200)
    why = models.TextField(blank=True, help_text="What a KPO expert would say, and why.")
    answers = models.JSONField(default=dict, help_text="Question code to option code(s), number or true/false.")
    expected_verdict = models.CharField(max_length=12, blank=True)
    expected_top_model = models.CharField(max_length=60, blank=True)
    regimes_present = models.JSONField(default=list, blank=True)
    regimes_absent = models.JSONField(default=list, blank=True)
    fit_min = models.PositiveSmallIntegerField(null=True, blank=True)
    fit_max = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["playbook", "name"]
        constraints = [models.UniqueConstraint(fields=["playbook", "name"], name="goldencase_unique_name_per_playbook")]

    def __str__(self) -> str:
        return self.name
