"""The KPO catalogue: ways to buy knowledge work, the work itself, and where it is delivered from.

All money is in US dollars. Every figure carries sources and a confidence label; the article behind
the product lost its cost table, so function benchmarks say which proxy source they come from.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.common.audit import audited
from apps.common.formatting import NamedInText
from apps.common.models import CatalogueEntry, money_field, range_constraints


@audited()
class EngagementModel(CatalogueEntry):
    class PricingBasis(models.TextChoices):
        HOURLY = "hourly", "Hourly, drawn from a pool"
        PER_DELIVERABLE = "per_deliverable", "Fixed price per deliverable"
        MONTHLY_TEAM = "monthly_team", "Dedicated team on a committed annual volume"
        SETUP_PLUS_HOURLY = "setup_plus_hourly", "Set-up fee, then an operating rate"
        OUTCOME = "outcome", "Fee per service level or outcome"
        OWNED_CENTRE = "owned_centre", "The buyer's own centre: its staff at cost, plus its entity"

    summary = models.TextField()
    is_kpo = models.BooleanField(
        default=True, verbose_name="is KPO", help_text="Off for contrasts such as BPO, shown but never recommended."
    )
    pricing_basis = models.CharField(max_length=20, choices=PricingBasis.choices)
    rate_low = money_field("Hourly rate per person, USD: low.")
    rate_likely = money_field("Hourly rate per person, USD: likely.")
    rate_high = money_field("Hourly rate per person, USD: high.")
    price_low = money_field("Price per deliverable or project, USD: low.")
    price_likely = money_field("Price per deliverable or project, USD: likely.")
    price_high = money_field("Price per deliverable or project, USD: high.")
    setup_low = money_field("One-off set-up cost, USD: low.")
    setup_likely = money_field("One-off set-up cost, USD: likely.")
    setup_high = money_field("One-off set-up cost, USD: high.")
    commitment_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Committed hours per person per year (the article's captive team: 2,000)."
    )
    team_size_min = models.PositiveIntegerField(null=True, blank=True)
    team_size_max = models.PositiveIntegerField(null=True, blank=True)
    ramp_up_months = models.PositiveIntegerField(null=True, blank=True, help_text="Months until the work runs.")
    transfer_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Build-operate-transfer: the month ownership moves to the buyer."
    )
    best_for = models.TextField(blank=True)
    avoid_when = models.TextField(blank=True)
    used_by = models.TextField(blank=True)
    display_order = models.PositiveIntegerField(default=100)

    reference_fields = (
        "name", "summary", "is_kpo", "pricing_basis",
        "rate_low", "rate_likely", "rate_high", "price_low", "price_likely", "price_high",
        "setup_low", "setup_likely", "setup_high", "commitment_hours", "team_size_min", "team_size_max",
        "ramp_up_months", "transfer_months", "best_for", "avoid_when", "used_by", "display_order",
        "sources", "confidence", "confidence_note",
    )  # fmt: skip
    ranges = (("rate", "Hourly rate"), ("price", "Price per deliverable"), ("setup", "Set-up cost"))

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            *range_constraints("engagementmodel", "rate", "price", "setup"),
            models.CheckConstraint(
                condition=models.Q(team_size_min__lte=models.F("team_size_max")),
                name="engagementmodel_team_size_min_lte_max",
                violation_error_message="The smallest team must be at or below the largest.",
            ),
        ]


@audited()
class KnowledgeFunction(CatalogueEntry):
    summary = models.TextField()
    examples = models.TextField(blank=True, help_text="Typical pieces of work, one sentence.")
    credentials = models.TextField(help_text="Typical offshore credentials (CFA, JD, ACCA, PE ...).")
    onshore_constraints = models.TextField(blank=True, help_text="Sign-off or licensing that must stay onshore.")
    kpo_rate_low = money_field("Offshore KPO hourly rate, USD: low.")
    kpo_rate_likely = money_field("Offshore KPO hourly rate, USD: likely.")
    kpo_rate_high = money_field("Offshore KPO hourly rate, USD: high.")
    # The offshore rate is India's; a delivery location's cost index scales the part of it that follows where the
    # team is. A rate that blends India's figure with a rate for a dedicated team wherever it works scales by that
    # part alone (review 111: Poland's index on a blended rate priced a financial analyst above any published range).
    located_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
        help_text="Share of the offshore rate that a delivery location's cost index scales: 1.00 when the rate is "
        "India's alone; less when it blends India's figure with a rate for a dedicated team wherever it works (the "
        "India figure's part of the likely rate). A location's rate is the rate × (1 + (its cost index − 1) × this).",
    )
    inhouse_us_low = money_field("Fully loaded in-house hourly cost in the US, USD: low.")
    inhouse_us_likely = money_field("Fully loaded in-house hourly cost in the US, USD: likely.")
    inhouse_us_high = money_field("Fully loaded in-house hourly cost in the US, USD: high.")
    inhouse_uk_low = money_field("Fully loaded in-house hourly cost in the UK, in USD: low.")
    inhouse_uk_likely = money_field("Fully loaded in-house hourly cost in the UK, in USD: likely.")
    inhouse_uk_high = money_field("Fully loaded in-house hourly cost in the UK, in USD: high.")
    deliverable_price_low = money_field("Typical project price, USD: low.")
    deliverable_price_likely = money_field("Typical project price, USD: likely.")
    deliverable_price_high = money_field("Typical project price, USD: high.")
    display_order = models.PositiveIntegerField(default=100)

    reference_fields = (
        "name", "summary", "examples", "credentials", "onshore_constraints",
        "kpo_rate_low", "kpo_rate_likely", "kpo_rate_high", "located_share",
        "inhouse_us_low", "inhouse_us_likely", "inhouse_us_high",
        "inhouse_uk_low", "inhouse_uk_likely", "inhouse_uk_high",
        "deliverable_price_low", "deliverable_price_likely", "deliverable_price_high",
        "display_order", "sources", "confidence", "confidence_note",
    )  # fmt: skip
    ranges = (
        ("kpo_rate", "KPO hourly rate"),
        ("inhouse_us", "In-house US hourly cost"),
        ("inhouse_uk", "In-house UK hourly cost"),
        ("deliverable_price", "Project price"),
    )

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            *range_constraints("knowledgefunction", "kpo_rate", "inhouse_us", "inhouse_uk", "deliverable_price"),
            models.CheckConstraint(
                condition=models.Q(located_share__gt=0, located_share__lte=1),
                name="knowledgefunction_located_share_0_1",
                violation_error_message="The share the cost index scales is above 0 and at most 1.",
            ),
        ]


@audited()
class DeliveryLocation(NamedInText, CatalogueEntry):  # choices keep ``name``: the Philippines sorts under P
    class Transfer(models.TextChoices):
        IN_EEA = "in_eea", "Inside the EEA: no Chapter V transfer"
        ADEQUATE = "adequate", "EU adequacy decision"
        NEEDS_SCCS = "needs_sccs", "Not adequate: needs SCCs and a transfer impact assessment"

    class UkTransfer(models.TextChoices):
        ADEQUATE = "adequate", "UK adequacy regulations cover it"
        NEEDS_IDTA = (
            "needs_idta",
            "Not covered by UK adequacy: needs the IDTA or UK Addendum and a transfer risk assessment",
        )

    name_in_text = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "How the name reads inside a sentence, e.g. 'the Philippines'. Leave blank when it is the name itself."
        ),
    )
    region = models.CharField(max_length=60)
    utc_offset_minutes = models.IntegerField(help_text="Standard-time offset from UTC in minutes (India: 330).")
    dst_rule = models.CharField(max_length=200, help_text="Daylight-saving rule, e.g. 'none' or 'EU: last Sunday'.")
    overlap_us_eastern_hours = models.DecimalField(
        max_digits=3, decimal_places=1, help_text="Hours of 09:00-17:00 overlap with US Eastern time."
    )
    overlap_uk_hours = models.DecimalField(
        max_digits=3, decimal_places=1, help_text="Hours of 09:00-17:00 overlap with the UK."
    )
    gdpr_transfer = models.CharField(max_length=12, choices=Transfer.choices, verbose_name="GDPR transfer status")
    adequate_since = models.DateField(null=True, blank=True, help_text="Date of the EU adequacy decision, if any.")
    uk_transfer = models.CharField(
        max_length=12,
        choices=UkTransfer.choices,
        blank=True,
        verbose_name="UK GDPR transfer status",
        help_text="Whether UK adequacy regulations cover transfers there (UK GDPR Art. 45; DPA 2018 s.17A and "
        "Sch. 21 paras. 4-5, which carry over the EEA states and the EU adequacy decisions in force at the end of "
        "2020). Blank: not recorded, and no UK column is shown.",
    )
    uk_transfer_note = models.CharField(max_length=200, blank=True, help_text="UK GDPR transfer route.")
    local_privacy_law = models.CharField(max_length=200, blank=True)
    languages = models.CharField(max_length=200, blank=True)
    strengths = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    cost_index = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=1,
        help_text="Cost relative to the function's KPO benchmark (1.00 = benchmark; 1.6 = 60% above).",
    )

    # A premium the law adds to pay for night work there, and the local hours it covers: a trade-off offering a day
    # moved into the night prices it (``requirements.night_premium_words``). Its source goes in ``sources``.
    night_premium = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Share the law adds to the pay of each hour worked at night (0.10 = 10%). Blank: none recorded.",
    )
    night_from_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Local hour the premium's night starts (22 for 22:00)."
    )
    night_to_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Local hour the premium's night ends (6 for 06:00)."
    )

    reference_fields = (
        "name", "name_in_text", "region", "utc_offset_minutes", "dst_rule", "overlap_us_eastern_hours",
        "overlap_uk_hours", "gdpr_transfer", "adequate_since", "uk_transfer", "uk_transfer_note", "local_privacy_law",
        "languages", "strengths", "risks", "cost_index", "night_premium", "night_from_hour", "night_to_hour",
        "sources", "confidence", "confidence_note",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overlap_us_eastern_hours__gte=0, overlap_us_eastern_hours__lte=8),
                name="deliverylocation_overlap_us_in_day",
                violation_error_message="Overlap with the US Eastern working day is between 0 and 8 hours.",
            ),
            models.CheckConstraint(
                condition=models.Q(overlap_uk_hours__gte=0, overlap_uk_hours__lte=8),
                name="deliverylocation_overlap_uk_in_day",
                violation_error_message="Overlap with the UK working day is between 0 and 8 hours.",
            ),
            models.CheckConstraint(
                condition=models.Q(utc_offset_minutes__gte=-720, utc_offset_minutes__lte=840),
                name="deliverylocation_utc_offset_valid",
                violation_error_message="The offset from UTC is between −12:00 and +14:00, in minutes (−720 to 840).",
            ),
            models.CheckConstraint(
                condition=models.Q(night_premium__isnull=True)
                | models.Q(
                    night_premium__gt=0,
                    night_premium__lte=1,
                    night_from_hour__isnull=False,
                    night_from_hour__lte=23,
                    night_to_hour__isnull=False,
                    night_to_hour__lte=23,
                ),
                name="deliverylocation_night_premium_valid",
                violation_error_message=(
                    "A night premium is a share above 0 and at most 1 (0.10 for ten per cent), with the night's first "
                    "and last "
                    "hours each between 0 and 23."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(cost_index__gt=0),
                name="deliverylocation_cost_index_positive",
                violation_error_message="The cost index must be above 0 (1 is the benchmark location's cost).",
            ),
        ]

    @property
    def utc_offset_label(self) -> str:
        sign = "+" if self.utc_offset_minutes >= 0 else "-"
        hours, minutes = divmod(abs(self.utc_offset_minutes), 60)
        return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


# A recommendation's function code when the buyer chose "Another kind of knowledge work", which no catalogue function
# stands for: the history, its filter and the portfolio name it as the questionnaire does.
OTHER_FUNCTION = ("other", "Another kind of knowledge work")


def function_names(*, ordered: bool = False) -> dict[str, str]:
    """Every knowledge function's name by code (by name when ``ordered``), and the name of ``OTHER_FUNCTION``."""
    functions = KnowledgeFunction.objects.order_by("name") if ordered else KnowledgeFunction.objects.all()
    return {**dict(functions.values_list("code", "name")), OTHER_FUNCTION[0]: OTHER_FUNCTION[1]}
