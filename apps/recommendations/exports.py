"""The history CSV: written here for both the page (small exports, streamed at once) and the background
worker (large ones, above ``HISTORY_CSV_INLINE_ROWS``, stored as an ``ExportFile`` in the database for
the organisation to download). One writer, so both give the same file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.http import QueryDict
from django.tasks import TaskResult, task

from apps.accounts.models import Organisation, User
from apps.common.spreadsheet import csv_writer, safe_cell
from apps.recommendations.filters import HistoryFilter
from apps.recommendations.models import ExportFile, Recommendation, Verdict
from apps.signoff.models import DecisionStatus
from apps.tasks.queue import BULK, enqueue_once, latest

HEADER = [
    "id",
    "title",
    "created_at",
    "verdict",
    "fit_score",
    "top_model",
    "function",
    "regimes",
    "decision_status",
    "recommended_model",
    # The same in words, as the pages say them (review 76: a spreadsheet of codes such as doesnt_win and soc2).
    "verdict_in_words",
    "recommended_model_name",
    "function_name",
    "regime_names",
    "decision_in_words",
    # What the cost says against the verdict, as the result page's headline does ("on fit only; it does not pay").
    "verdict_note",
]
# Above this many rows the export is made in the background: writing it would hold the request open.
INLINE_ROWS = 5_000
# Advisory lock namespace (two-key form, key: the organisation) for "is an export of it running?".
EXPORT_LOCK = 7_202_634
# The files an organisation keeps: the exports page lists them, and older ones are deleted as a new one is stored.
FILES_KEPT = 10


def history_rows(*, organisation: Organisation, form: HistoryFilter) -> Any:
    """The organisation's recommendations the (valid) filters select, with only the exported columns."""
    return form.apply(Recommendation.objects.for_organisation(organisation)).only(*HistoryFilter.COLUMNS)


def write_history_csv(rows: Iterable[Recommendation], out: Any) -> int:
    """Write the header and ``rows`` to ``out``; returns how many rows."""
    writer = csv_writer(out)
    writer.writerow(HEADER)
    names = _catalogue_names()
    verdicts, decisions = dict(Verdict.choices), dict(DecisionStatus.choices)
    count = 0
    for r in rows:
        recommended = r.recommended_model
        # django-stubs cannot see a column added by annotate() (HistoryFilter.apply) on the model type.
        status = r.decision_status  # type: ignore[attr-defined]  # see above
        writer.writerow(
            [
                r.pk,
                safe_cell(r.title),
                r.created_at.isoformat(),
                r.verdict,
                r.fit_score,
                r.top_model,
                r.function,
                " ".join(r.regimes),
                status,
                # The model the verdict recommends, as the history page names it: none when KPO doesn't win (top_model
                # is the one with the most points, which a "doesn't win" does not recommend; review 41) or no model can
                # be used as answered (review 170).
                recommended,
                verdicts.get(r.verdict, r.verdict),
                safe_cell(names["models"].get(recommended, recommended)),
                safe_cell(names["functions"].get(r.function, r.function)),
                safe_cell("; ".join(names["regimes"].get(c, c) for c in r.regimes)),
                decisions.get(status, status),
                safe_cell(r.cost_note),
            ]
        )
        count += 1
    return count


def _catalogue_names() -> dict[str, dict[str, str]]:
    """The catalogue's names by code, for the export's columns in words: three small queries per export."""
    from apps.compliance.models import Regime
    from apps.engagements.models import EngagementModel, KnowledgeFunction

    return {
        "models": dict(EngagementModel.objects.values_list("code", "name")),
        "functions": dict(KnowledgeFunction.objects.values_list("code", "name")),
        "regimes": dict(Regime.objects.values_list("code", "name")),
    }


def filename() -> str:
    return f"kpo-recommendations-{date.today():%Y-%m-%d}.csv"


@task(priority=BULK)
def export_history(*, organisation_id: int, query: str, newest: int, user_id: int | None = None) -> int | None:
    """Write the history CSV for these filters and store it; returns the ExportFile's id (None when the
    organisation is gone or the filters no longer validate). ``newest`` (the newest recommendation when
    asked) makes a later request, after new recommendations, a new export."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    form = HistoryFilter(QueryDict(query) or None)
    if organisation is None or form.errors:
        return None
    # Idempotent: a retry, or a worker that died after storing, finds the file made for this request.
    found = ExportFile.objects.filter(organisation=organisation, query=query, newest=newest).values_list(
        "pk", flat=True
    )
    if found:
        return found[0]
    buffer = io.StringIO()
    rows = history_rows(organisation=organisation, form=form).filter(pk__lte=newest).iterator(chunk_size=2000)
    count = write_history_csv(rows, buffer)
    made = ExportFile.objects.create(
        organisation=organisation,
        created_by_id=user_id,
        filename=filename(),
        query=query,
        newest=newest,
        rows=count,
        content=buffer.getvalue().encode("utf-8"),
    )
    # The newest files are kept, the page lists those, and older ones are deleted: nothing else ever did (review 60).
    kept = ExportFile.objects.filter(organisation=organisation).values_list("pk", flat=True)[:FILES_KEPT]
    ExportFile.objects.filter(organisation=organisation).exclude(pk__in=list(kept)).delete()
    return made.pk


def canonical_query(form: HistoryFilter) -> str:
    """The valid filters ``form`` holds, as a query string in one order: what an export is made of. Anything else in
    the request (a parameter the filters do not take, the page number, an empty filter) makes no new export: review
    60 queued 30 exports of the same rows by adding ``?junk=1`` to ``?junk=30``."""
    chosen = []
    for name in sorted(form.fields):
        value = form.cleaned_data.get(name) if form.is_valid() else None
        if value in (None, ""):
            continue
        chosen.append((name, value.isoformat() if isinstance(value, date) else str(value)))
    return urlencode(chosen)


class ExportBusy(Exception):
    """Another export of the organisation's history is queued or being written: one at a time."""


def request_export(*, organisation: Organisation, form: HistoryFilter, user: User) -> TaskResult:
    """Queue the export of these (valid) filters once (per organisation, filters and newest recommendation). While
    any export of the organisation is queued or being written, that one is returned when it is the same work, and
    ExportBusy is raised otherwise (other filters, or the same after new recommendations): each is the whole
    history's worth of work for the worker, and any member may ask (reviews 60 and 62). Decided under a lock per
    organisation, so requests at once cannot each find none running."""
    text = canonical_query(form)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [EXPORT_LOCK, organisation.pk])
        newest = Recommendation.objects.filter(organisation=organisation).order_by("-pk").values_list("pk", flat=True)
        identity = {"organisation_id": organisation.pk, "query": text, "newest": newest.first() or 0}
        current = latest(export_history, {"organisation_id": organisation.pk})
        if current is not None and not current.is_finished:
            same = all(current.kwargs.get(k) == v for k, v in identity.items())
            if not same:
                raise ExportBusy
        return enqueue_once(export_history, identity=identity, user_id=user.pk)


def last_export_task(*, organisation: Organisation) -> TaskResult | None:
    return latest(export_history, {"organisation_id": organisation.pk})
