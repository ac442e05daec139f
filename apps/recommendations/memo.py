"""The decision memo: a recommendation written up for a CFO, legal and operations, as a PDF.

It is drawn once per recommendation and kept in the database (``stored_memo``): a recommendation never
changes and the memo prints the recommendation's own scoring date, never the time it was drawn.

Everything in it comes from the stored recommendation (its snapshot): the result, what would flip it,
and the practice guidance (contract clauses, pilot plan, exit steps, each with its source) that the
playbook froze and the recommendation stored when it was made. The page's own section templates
(cost, obligations, risks, locations) are reused, so the memo and the page never disagree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.text import slugify

from apps.accounts.models import User
from apps.recommendations.charts import cost_chart, score_chart
from apps.recommendations.checks import result_checks
from apps.recommendations.insight import flips
from apps.recommendations.models import Memo, Recommendation
from apps.recommendations.snapshot import SnapshotError
from apps.recommendations.snapshot.types import Snapshot
from apps.signoff.models import Decision
from apps.signoff.status import decision_count, sign_off_state
from apps.teamwork.on_record import answered_with_opinions, recorded_opinions

# Bump when the memo's template, texts or guidance change, so stored memos are drawn again.
RENDERER_VERSION = "2026.12-30"


def memo_version(rec: Recommendation) -> str:
    """The version a memo of ``rec`` is drawn and stored under: the renderer's, and how many sign-off
    decisions it shows. Decisions are only ever added, so a memo drawn before one is drawn again after it
    and the memo always carries the decision. ``with_memo_version`` saves the query."""
    decided = getattr(rec, "decisions_shown", None)
    if decided is None:
        decided = Decision.objects.filter(recommendation_id=rec.pk).count()
    return RENDERER_VERSION if not decided else f"{RENDERER_VERSION}+{decided}d"


def with_memo_version[Q: QuerySet[Recommendation]](queryset: Q) -> Q:
    return queryset.annotate(decisions_shown=decision_count())


# Advisory lock namespaces (two-key form, so they never meet the one-key publishing lock).
USER_LOCK = 7_202_612  # key: the user id; one memo drawn at a time per user
MEMO_LOCK = 7_202_613  # key: the recommendation id; one drawing per recommendation
WAIT_SECONDS = 20  # how long a second download waits for the first to finish drawing the same memo
RETRY_AFTER_SECONDS = 10


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
        "location": ev.delivery_location,
        "top_cost": ev.cost.top,
        "elsewhere_cost": ev.cost.outsourced(ev.top.code if ev.top is not None else None),
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
    guidance = snap.guidance
    if guidance is None:  # the reader fills it for every stored version; only a malformed document lacks it
        raise SnapshotError("This snapshot has no memo guidance.")
    opinions = recorded_opinions(rec)
    return {
        "rec": rec,
        "snap": snap,
        "ev": ev,
        "summary": summary(rec),
        "flips": [t.sentence for t in flips(rec)],
        "score_chart": score_chart(ev.models),
        "cost_chart": cost_chart(ev.cost),
        "cost_checks": result_checks(rec),
        "top_locations": ev.top_locations,
        "location_columns": snap.location_columns,
        "clauses": _in_contract(snap),
        "general_clauses": guidance.clauses,
        "source_notes": guidance.source_notes,
        "pilot": guidance.pilot,
        "exit": guidance.exit,
        "cost_heading": "The cost case",
        "obligations_heading": "Obligations, by when to settle them",
        "risks_heading": "Risks to manage",
        "locations_heading": "Where to deliver from",
        "memo": True,
        "sign_off": sign_off_state(rec),
        "opinions": opinions,
        "answered": answered_with_opinions(snap.answered, opinions),
    }


def render_memo_html(rec: Recommendation, base_url: str) -> str:
    return render_to_string("recommendations/memo.html", {**memo_context(rec), "base_url": base_url})


class MemoUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it draws with (Pango, a font) are missing on this host."""

    retryable = False  # the worker does not try again: nothing changes until someone installs them


# A space just before a link: WeasyPrint may break the line before the word ahead of it and again after that word,
# leaving it alone on a line (review 176: "against 35" / "for" / "Staff augmentation), but … 6 months. See the
# trade-off"). The space moved inside the link breaks the same and draws the same.
SPACE_BEFORE_LINK = re.compile(r" <a ([^>]*)>")


def render_memo_pdf(rec: Recommendation, base_url: str) -> bytes:
    """The memo as PDF bytes. WeasyPrint is imported here so the rest of the site never pays for it."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: a shared library such as Pango could not be loaded
        raise MemoUnavailable(str(exc)) from exc

    html = SPACE_BEFORE_LINK.sub(r"<a \1> ", render_memo_html(rec, base_url))
    # Tagged, so a screen reader reads its headings, tables and order (about a tenth more time to draw).
    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf(pdf_tags=True)
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
        stored = _memos(recommendation).filter(renderer_version=memo_version(recommendation)).first()
        if stored is not None:  # drawn by the download we waited for
            return stored
        pdf = render_memo_pdf(recommendation, base_url)
        return _store(recommendation=recommendation, pdf=pdf)


def current_memo(recommendation: Recommendation, *, fresh: bool = False) -> Memo | None:
    """The stored memo if it was drawn by the current renderer; ``fresh`` reads it again from the
    database (after a drawing finished elsewhere) instead of the one loaded with the recommendation."""
    if fresh:
        return _memos(recommendation).filter(renderer_version=memo_version(recommendation)).first()
    return _current(recommendation)


def _memos(recommendation: Recommendation) -> QuerySet[Memo]:
    # By the organisation too: the distribution column on Citus (docs/scaling.md).
    return Memo.objects.filter(organisation_id=recommendation.organisation_id, recommendation=recommendation)


def _current(recommendation: Recommendation) -> Memo | None:
    try:
        stored = recommendation.memo  # one query, or none when the caller used select_related("memo")
    except Memo.DoesNotExist:
        return None
    return stored if stored.renderer_version == memo_version(recommendation) else None


def _store(*, recommendation: Recommendation, pdf: bytes) -> Memo:
    memo = Memo(
        organisation_id=recommendation.organisation_id,
        recommendation=recommendation,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        renderer_version=memo_version(recommendation),
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
