"""The decision memo: a recommendation written up for a CFO, legal and operations, as a PDF.

It is drawn once per recommendation and kept in the database (``stored_memo``): a recommendation never
changes and the memo prints the recommendation's own scoring date, never the time it was drawn.

Everything in it comes from the stored recommendation (its snapshot) and the what-would-flip insight,
plus the practice guidance below, each item with its source. The page's own section templates
(cost, obligations, risks, locations) are reused, so the memo and the page never disagree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.template.loader import render_to_string
from django.utils.text import slugify

from apps.accounts.models import User
from apps.recommendations.charts import cost_chart, score_chart
from apps.recommendations.insight import insight
from apps.recommendations.models import Memo, Recommendation
from apps.recommendations.snapshot.types import Snapshot

# Bump when the memo's template, texts or guidance change, so stored memos are drawn again.
RENDERER_VERSION = "2026.11-1"
# Advisory lock namespaces (two-key form, so they never meet the one-key publishing lock).
USER_LOCK = 7_202_612  # key: the user id; one memo drawn at a time per user
MEMO_LOCK = 7_202_613  # key: the recommendation id; one drawing per recommendation
WAIT_SECONDS = 20  # how long a second download waits for the first to finish drawing the same memo
RETRY_AFTER_SECONDS = 10

ZEDTREEO = {
    "title": "Zedtreeo blog: BPO services (2026, vendor-authored), practice guidance",
    "url": "https://www.zedtreeo.com/blog/bpo-services",
    "date": "2026",
}
CCBJ = {
    "title": "CCBJ: Outsourcing to India, an in-house counsel's perspective",
    "short": "CCBJ: Outsourcing to India, an in-house counsel's perspective",
    "url": "https://ccbjournal.com/articles/outsourcing-india-house-counsels-perspective",
}
PRACTICE_NOTE = (
    "KPO Advisor's cross-regime contract checklist, compiled by its curators from the regime sources cited "
    "in section 3; practice guidance, not a legal requirement in itself"
)
PRACTICE = {"title": PRACTICE_NOTE, "short": "Curators' checklist"}


@dataclass(frozen=True)
class Guidance:
    title: str
    text: str
    source: dict[str, str]
    weak: bool = False


# Clauses any KPO contract should settle whatever regimes apply. Regime-specific clauses come from the
# recommendation's own "in the contract" obligations, each with its citation.
GENERAL_CLAUSES = (
    Guidance(
        "Named delivery locations",
        "List the locations the work may be done from; any new location or subcontractor needs your written consent.",
        PRACTICE,
    ),
    Guidance(
        "Work product and IP",
        "All work product is assigned to you when it is created; the provider's own tools are licensed to you; "
        "confidentiality and non-use bind every person on the team.",
        PRACTICE,
    ),
    Guidance(
        "Security schedule",
        "Encryption at rest and in transit, multi-factor sign-in, role-based access, logs kept at least 12 months, "
        "no local storage or printing, background checks.",
        PRACTICE,
    ),
    Guidance(
        "Breach notice",
        "Notice of a suspected incident within an agreed time (24 to 72 hours is common), with cooperation and "
        "cost allocation.",
        PRACTICE,
    ),
    Guidance(
        "Assurance kept up",
        "A SOC 2 Type II report or ISO 27001 certificate maintained for the whole term, with audit and "
        "inspection rights for you, your auditors and regulators.",
        PRACTICE,
    ),
    Guidance(
        "People",
        "Key-personnel and replacement service levels; retention and attrition reported monthly.",
        PRACTICE,
    ),
    Guidance(
        "Exit and continuity",
        "A tested continuity plan; step-in or termination for regulatory reasons; exit assistance and knowledge "
        "transfer; return or deletion of data with a certificate.",
        PRACTICE,
    ),
    Guidance(
        "Liability and disputes",
        "Liability caps with carve-outs for data breach and confidentiality; cyber insurance; governing law and "
        "arbitration that can be enforced against the offshore entity (a guarantee from a home-country parent "
        "is common).",
        CCBJ,
    ),
)


@dataclass(frozen=True)
class Threshold:
    measure: str
    scale_if: str
    stop_if: str
    source: dict[str, str]
    weak: bool = False


def _money(value: float) -> str:
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


# The pricing basis of a build-operate-transfer engagement: the buyer takes the centre over at the end.
TRANSFER_BASIS = "setup_plus_hourly"


def pilot_plan(snapshot: Snapshot) -> dict[str, Any]:
    """A pilot for the recommended model: scope, what to measure, and when to scale or stop.

    The time and management-effort figures are practice guidance from one vendor-authored source
    (weak); the cost thresholds are this recommendation's own figures."""
    cost = snapshot.evaluation.cost
    model = snapshot.evaluation.top
    function = snapshot.function.name or "the work"
    people = cost.team_size if cost.available else None
    pilot_people = max(1, min(3, round(people))) if people else None
    scope = (
        f"{function}: a representative slice of the real work, done by "
        + (f"{pilot_people} of the {people:g} people planned" if pilot_people else "a small team")
        + (f", under the {model.name.lower()} model" if model else "")
        + ", for two to four weeks before any 12-month commitment."
    )
    thresholds = [
        Threshold(
            "Quality",
            "Rework and review findings at or below your in-house level on the same work.",
            "Errors that your reviewers must fix persist after the second week.",
            {"title": "Your own quality measures (decided before the pilot)"},
        ),
        Threshold(
            "Management time",
            "Two to four hours a week per outsourced person in the first 90 days, falling to one or two.",
            "Your team spends more than four hours a week per person after the first month.",
            ZEDTREEO,
            weak=True,
        ),
        Threshold(
            "Retention",
            "The pilot team stays intact; the provider shows 12-month retention of 80% or more.",
            "Retention below 80% over 12 months: a red flag.",
            ZEDTREEO,
            weak=True,
        ),
    ]
    top_cost = cost.top
    if top_cost:
        rate = top_cost.hourly_rate
        likely, high = top_cost.annual[1], top_cost.annual[2]
        inhouse = cost.inhouse_annual[1] if cost.inhouse_annual else 0
        thresholds.insert(
            1,
            Threshold(
                "Cost",
                f"The pilot's effective cost puts a full year at or under {_money(likely)} "
                f"(the likely figure{', at ' + rate if rate else ''}).",
                f"A full year would cost more than {_money(min(high, inhouse) if inhouse > 0 else high)} "
                f"(the high estimate{' or in-house, whichever is lower' if inhouse > 0 else ''}).",
                {"title": "This recommendation's cost case (sources in the finance section)"},
                weak=top_cost.weak,
            ),
        )
    return {
        "scope": scope,
        "transition": "Plan eight to twelve weeks of transition after the pilot, with documented processes first.",
        "transition_source": ZEDTREEO,
        "thresholds": thresholds,
    }


def exit_plan(snapshot: Snapshot) -> list[Guidance]:
    steps = [
        Guidance(
            "Documentation you own",
            "Keep process documents, models and templates current in your own systems, not only the provider's.",
            PRACTICE,
        ),
        Guidance(
            "Exit assistance",
            "Agree a transition-out period, knowledge transfer to you or a successor, and the price of both "
            "before signing.",
            PRACTICE,
        ),
        Guidance(
            "Data at exit",
            "Return or delete every copy of your data and work product, with a certificate of deletion.",
            PRACTICE,
        ),
    ]
    top = snapshot.evaluation.top
    if top is not None and top.pricing_basis == TRANSFER_BASIS:
        steps.insert(
            0,
            Guidance(
                "Transfer option",
                "Fix the transfer price or formula, the notice period and which staff, leases and systems "
                "move to you when you take the centre over.",
                PRACTICE,
            ),
        )
    return steps


@dataclass(frozen=True)
class Clause:
    """A regime's "in the contract" obligation, as a clause to put in the contract."""

    regime: str
    title: str
    action: str
    citation: str
    source_url: str
    confidence: str


def _in_contract(snapshot: Snapshot) -> list[Clause]:
    return [
        Clause(r.name, o.title, o.action, o.citation, o.source_url, o.confidence)
        for r in snapshot.evaluation.regimes
        for o in r.obligations_in("in_contract")
    ]


def summary(rec: Recommendation) -> dict[str, Any]:
    ev = rec.record.evaluation
    reasons_for = sorted((c for c in ev.fit_contributions if c.points > 0), key=lambda c: -c.points)[:3]
    reasons_against = sorted((c for c in ev.fit_contributions if c.points < 0), key=lambda c: c.points)[:3]
    obligations = sum(len(items) for r in ev.regimes for _p, _l, items in r.obligations)
    return {
        "model": ev.top,
        "location": ev.locations[0] if ev.locations else None,
        "top_cost": ev.cost.top,
        "reasons_for": reasons_for,
        "reasons_against": reasons_against,
        "obligation_count": obligations,
        "high_risks": [r for r in ev.risks if r.severity == "high"],
    }


def memo_filename(rec: Recommendation) -> str:
    slug = slugify(rec.title)[:60].strip("-") or "recommendation"
    return f"{slug}-decision-memo-{rec.created_at:%Y-%m-%d}.pdf"


def memo_context(rec: Recommendation) -> dict[str, Any]:
    snap = rec.record
    ev = snap.evaluation
    return {
        "rec": rec,
        "snap": snap,
        "ev": ev,
        "summary": summary(rec),
        "insight": insight(rec),
        "score_chart": score_chart(ev.models),
        "cost_chart": cost_chart(ev.cost),
        "top_locations": ev.locations[:5],
        "location_columns": snap.location_columns,
        "clauses": _in_contract(snap),
        "general_clauses": GENERAL_CLAUSES,
        "pilot": pilot_plan(snap),
        "exit": exit_plan(snap),
        "cost_heading": "The cost case",
        "obligations_heading": "Obligations, by when to settle them",
        "risks_heading": "Risks to manage",
        "locations_heading": "Where to deliver from",
        "practice": PRACTICE_NOTE,
        "memo": True,
    }


def render_memo_html(rec: Recommendation, base_url: str) -> str:
    return render_to_string("recommendations/memo.html", {**memo_context(rec), "base_url": base_url})


class MemoUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it draws with (Pango, a font) are missing on this host."""

    retryable = False  # the worker does not try again: nothing changes until someone installs them


def render_memo_pdf(rec: Recommendation, base_url: str) -> bytes:
    """The memo as PDF bytes. WeasyPrint is imported here so the rest of the site never pays for it."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: a shared library such as Pango could not be loaded
        raise MemoUnavailable(str(exc)) from exc

    html = render_memo_html(rec, base_url)
    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return pdf


class MemoBusy(RuntimeError):
    """The memo cannot be drawn right now: this user is already drawing one, or someone else is still
    drawing this one. ``message`` is for the person waiting; the class alone carries it, because a
    task's failure is recorded as its exception class and traceback, not the exception itself."""

    message = "This memo is still being drawn; try again in a few seconds."


class UserBusy(MemoBusy):
    message = "Your other memo is still being drawn; try again in a few seconds."


class DrawingBusy(MemoBusy):
    message = MemoBusy.message


def stored_memo(*, recommendation: Recommendation, user: User, base_url: str) -> Memo:
    """The recommendation's memo, drawn at most once and then read from the database.

    Drawing costs seconds of CPU, so each user draws one memo at a time (a second one raises
    ``MemoBusy`` at once rather than holding another worker thread), and two downloads of the same
    memo draw it once: the second waits up to ``WAIT_SECONDS`` for the first, then serves what it
    stored. Raises ``MemoUnavailable`` on a host without the PDF libraries."""
    current = _current(recommendation)
    if current is not None:
        return current
    with (
        _advisory_lock(USER_LOCK, user.pk, wait=False, busy=UserBusy),
        _advisory_lock(MEMO_LOCK, recommendation.pk, wait=True, busy=DrawingBusy),
    ):
        stored = Memo.objects.filter(recommendation=recommendation, renderer_version=RENDERER_VERSION).first()
        if stored is not None:  # drawn by the download we waited for
            return stored
        pdf = render_memo_pdf(recommendation, base_url)
        return _store(recommendation=recommendation, pdf=pdf)


def current_memo(recommendation: Recommendation, *, fresh: bool = False) -> Memo | None:
    """The stored memo if it was drawn by the current renderer; ``fresh`` reads it again from the
    database (after a drawing finished elsewhere) instead of the one loaded with the recommendation."""
    if fresh:
        return Memo.objects.filter(recommendation=recommendation, renderer_version=RENDERER_VERSION).first()
    return _current(recommendation)


def _current(recommendation: Recommendation) -> Memo | None:
    try:
        stored = recommendation.memo  # one query, or none when the caller used select_related("memo")
    except Memo.DoesNotExist:
        return None
    return stored if stored.renderer_version == RENDERER_VERSION else None


def _store(*, recommendation: Recommendation, pdf: bytes) -> Memo:
    memo = Memo(
        recommendation=recommendation,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        renderer_version=RENDERER_VERSION,
    )
    # An older renderer's row is replaced; under the memo lock nobody else writes this row.
    with transaction.atomic():
        Memo.objects.bulk_create(
            [memo],
            update_conflicts=True,
            unique_fields=["recommendation"],
            update_fields=["pdf", "sha256", "renderer_version", "created_at"],
        )
    return memo


@contextmanager
def _advisory_lock(namespace: int, key: int, *, wait: bool, busy: type[MemoBusy]) -> Iterator[None]:
    """A session-level PostgreSQL advisory lock, released in ``finally``; if the worker dies, the
    connection closes and PostgreSQL releases it. ``wait=False`` fails at once when it is held."""
    with connection.cursor() as cursor:
        if wait:
            try:
                with transaction.atomic():
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(WAIT_SECONDS * 1000)}ms"])
                    cursor.execute("SELECT pg_advisory_lock(%s, %s)", [namespace, key])
            except OperationalError as exc:  # lock_timeout: the other drawing is taking too long
                raise busy(busy.message) from exc
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
            if not cursor.fetchone()[0]:
                raise busy(busy.message)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])
