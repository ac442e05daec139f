"""The memo guidance of snapshot versions 1 and 2, frozen.

Before version 3 the memo's contract clauses, pilot thresholds, transition advice and exit steps were
constants in ``memo.py`` and were not stored with the recommendation. This module keeps a frozen copy of
them exactly as they were when version 3 was introduced, so a recommendation stored as version 1 or 2
keeps printing what it printed: the reader fills such a snapshot's ``guidance`` from here. Never edit the
texts below; new guidance is curated data (``compliance.Guidance``), frozen into each published playbook
and stored in each recommendation.

The pilot's scope and cost threshold are worked out from the recommendation's own figures, in the words
below; the writer uses the same words for new recommendations and stores the result, so changing them
later changes only recommendations made after the change.
"""

from __future__ import annotations

from apps.recommendations.snapshot.types import (
    GuidanceItem,
    GuidanceSource,
    MemoGuidance,
    PilotPlan,
    PilotThreshold,
    Snapshot,
    SourceNote,
)

# What vendor matching required of a provider for each regime before that was curated data
# (``compliance.Regime.vendor_requirement``, frozen into each published playbook): the reader fills the
# regimes of a snapshot stored without it from here, and the writer uses it for a playbook published before.
VENDOR_REQUIREMENTS = {
    "hipaa": "hipaa-baa",
    "gdpr": "gdpr-transfer",
    "uk-gdpr": "uk-transfer",
    "dpdp": "dpdp-terms",
    "mifid2": "mifid-audit",
    "reg-ac": "reg-ac",
    "soc2": "soc2",
    "iso27001": "iso27001",
}

_ZEDTREEO = GuidanceSource(
    title="Zedtreeo blog: BPO services (2026, vendor-authored), practice guidance",
    short="",
    url="https://www.zedtreeo.com/blog/bpo-services",
    date="2026",
)
_CCBJ = GuidanceSource(
    title="CCBJ: Outsourcing to India, an in-house counsel's perspective",
    short="CCBJ: Outsourcing to India, an in-house counsel's perspective",
    url="https://ccbjournal.com/articles/outsourcing-india-house-counsels-perspective",
)
_PRACTICE_NOTE = (
    "KPO Advisor's cross-regime contract checklist, compiled by its curators from the regime sources cited "
    "in section 3; practice guidance, not a legal requirement in itself"
)
_PRACTICE = GuidanceSource(title=_PRACTICE_NOTE, short="Curators' checklist")

HISTORICAL_CLAUSES = (
    GuidanceItem(
        "named-locations",
        "Named delivery locations",
        "List the locations the work may be done from; any new location or subcontractor needs your written consent.",
        _PRACTICE,
    ),
    GuidanceItem(
        "work-product-ip",
        "Work product and IP",
        "All work product is assigned to you when it is created; the provider's own tools are licensed to you; "
        "confidentiality and non-use bind every person on the team.",
        _PRACTICE,
    ),
    GuidanceItem(
        "security-schedule",
        "Security schedule",
        "Encryption at rest and in transit, multi-factor sign-in, role-based access, logs kept at least 12 months, "
        "no local storage or printing, background checks.",
        _PRACTICE,
    ),
    GuidanceItem(
        "breach-notice",
        "Breach notice",
        "Notice of a suspected incident within an agreed time (24 to 72 hours is common), with cooperation and "
        "cost allocation.",
        _PRACTICE,
    ),
    GuidanceItem(
        "assurance",
        "Assurance kept up",
        "A SOC 2 Type II report or ISO 27001 certificate maintained for the whole term, with audit and "
        "inspection rights for you, your auditors and regulators.",
        _PRACTICE,
    ),
    GuidanceItem(
        "people",
        "People",
        "Key-personnel and replacement service levels; retention and attrition reported monthly.",
        _PRACTICE,
    ),
    GuidanceItem(
        "exit-continuity",
        "Exit and continuity",
        "A tested continuity plan; step-in or termination for regulatory reasons; exit assistance and knowledge "
        "transfer; return or deletion of data with a certificate.",
        _PRACTICE,
    ),
    GuidanceItem(
        "liability-disputes",
        "Liability and disputes",
        "Liability caps with carve-outs for data breach and confidentiality; cyber insurance; governing law and "
        "arbitration that can be enforced against the offshore entity (a guarantee from a home-country parent "
        "is common).",
        _CCBJ,
    ),
)
HISTORICAL_THRESHOLDS = (
    PilotThreshold(
        "Quality",
        "Rework and review findings at or below your in-house level on the same work.",
        "Errors that your reviewers must fix persist after the second week.",
        GuidanceSource(title="Your own quality measures (decided before the pilot)"),
    ),
    PilotThreshold(
        "Management time",
        "Two to four hours a week per outsourced person in the first 90 days, falling to one or two.",
        "Your team spends more than four hours a week per person after the first month.",
        _ZEDTREEO,
        weak=True,
    ),
    PilotThreshold(
        "Retention",
        "The pilot team stays intact; the provider shows 12-month retention of 80% or more.",
        "Retention below 80% over 12 months: a red flag.",
        _ZEDTREEO,
        weak=True,
    ),
)
HISTORICAL_TRANSITION = "Plan eight to twelve weeks of transition after the pilot, with documented processes first."
HISTORICAL_TRANSFER_STEP = GuidanceItem(
    "transfer-option",
    "Transfer option",
    "Fix the transfer price or formula, the notice period and which staff, leases and systems "
    "move to you when you take the centre over.",
    _PRACTICE,
)
HISTORICAL_EXIT_STEPS = (
    GuidanceItem(
        "documentation",
        "Documentation you own",
        "Keep process documents, models and templates current in your own systems, not only the provider's.",
        _PRACTICE,
    ),
    GuidanceItem(
        "exit-assistance",
        "Exit assistance",
        "Agree a transition-out period, knowledge transfer to you or a successor, and the price of both "
        "before signing.",
        _PRACTICE,
    ),
    GuidanceItem(
        "data-at-exit",
        "Data at exit",
        "Return or delete every copy of your data and work product, with a certificate of deletion.",
        _PRACTICE,
    ),
)
# The pricing basis of a build-operate-transfer engagement: the buyer takes the centre over at the end.
_TRANSFER_BASIS = "setup_plus_hourly"


def historical_guidance(snapshot: Snapshot) -> MemoGuidance:
    """The guidance a version 1 or 2 snapshot's memo printed, worked out as the memo of the time did."""
    top = snapshot.evaluation.top
    exit_steps: tuple[GuidanceItem, ...] = HISTORICAL_EXIT_STEPS
    if top is not None and top.pricing_basis == _TRANSFER_BASIS:
        exit_steps = (HISTORICAL_TRANSFER_STEP, *exit_steps)
    thresholds = list(HISTORICAL_THRESHOLDS)
    cost = cost_threshold(snapshot)
    if cost is not None:
        thresholds.insert(1, cost)
    return MemoGuidance(
        clauses=HISTORICAL_CLAUSES,
        source_notes=(SourceNote(_PRACTICE.short, _PRACTICE.title),),
        pilot=PilotPlan(
            scope=pilot_scope(snapshot),
            thresholds=tuple(thresholds),
            transition=HISTORICAL_TRANSITION,
            transition_source=_ZEDTREEO,
            transition_weak=True,
        ),
        exit=exit_steps,
    )


def pilot_scope(snapshot: Snapshot) -> str:
    """The pilot's scope for the recommended model, from the recommendation's function and team size."""
    cost = snapshot.evaluation.cost
    model = snapshot.evaluation.top
    function = snapshot.function.name or "the work"
    people = cost.team_size if cost.available else None
    pilot_people = max(1, min(3, round(people))) if people else None
    return (
        f"{function}: a representative slice of the real work, done by "
        + (f"{pilot_people} of the {people:g} people planned" if pilot_people else "a small team")
        + (f", under the {model.name.lower()} model" if model else "")
        + ", for two to four weeks before any 12-month commitment."
    )


def cost_threshold(snapshot: Snapshot, *, owned: bool = False) -> PilotThreshold | None:
    """The pilot's cost threshold: this recommendation's own figures (None when it priced no model). ``owned``:
    the buyer's own centre, whose pilot is a first cohort of its own hires and whose hourly rate is a provider's
    (only the starting point of its cost), so the rate is not named as the pilot's."""
    cost = snapshot.evaluation.cost
    top_cost = cost.top
    if top_cost is None:
        return None
    rate = "" if owned else top_cost.hourly_rate
    index = next((f for f in cost.figures if f.key == "location.index"), None)
    quoted = any(f.key == f"{top_cost.model}.rate" and f.supplied for f in cost.figures)  # a quote has no index
    if rate and index is not None and index.likely != 1 and not quoted:
        # The rate shown is the function's benchmark (India = 1.00); the cost was priced at it × the location's index.
        rate = f"{rate} × {index.value}, {index.label[0].lower()}{index.label[1:]}"
    likely, high = top_cost.annual[1], top_cost.annual[2]
    inhouse = cost.inhouse_annual[1] if cost.inhouse_annual else 0
    pilot = "first cohort" if owned else "pilot"
    if 0 < inhouse < likely:
        # The likely figure is above in-house: scaling on it would pass a cost the stop line refuses.
        scale = (
            f"The {pilot}'s effective cost puts a full year at or under {cost.amount(inhouse)}, the in-house cost "
            f"(the likely figure, {cost.amount(likely)}{', at ' + rate if rate else ''}, is above it: the {pilot} has "
            "to beat the estimate)."
        )
    else:
        scale = (
            f"The {pilot}'s effective cost puts a full year at or under {cost.amount(likely)} "
            f"(the likely figure{', at ' + rate if rate else ''})."
        )
    return PilotThreshold(
        "Cost",
        scale,
        f"A full year would cost more than {cost.amount(min(high, inhouse) if inhouse > 0 else high)} "
        f"(the high estimate{' or in-house, whichever is lower' if inhouse > 0 else ''}).",
        GuidanceSource(title="This recommendation's cost case (sources in the finance section)"),
        weak=top_cost.weak,
    )
