"""The cost case as CSV (``/recommendations/<id>/cost.csv``): what the result page's cost section shows,
one row per figure, for finance to take into a spreadsheet. docs/exports.md documents the columns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from apps.accounts.scoping import MemberRequest, member_required
from apps.common.spreadsheet import csv_writer
from apps.playbooks.engine.checks import AnswerCheck
from apps.recommendations.checks import result_checks
from apps.recommendations.snapshot.types import Cost, CostModel, EvaluationRecord
from apps.recommendations.views import _filename, _recommendation, _safe

COLUMNS = ["option", "item", "kind", "currency", "p10_or_low", "likely", "p90_or_high", "note"]
INHOUSE = "Keep it in-house"


def _number(value: Any) -> str:
    """An amount, to the cent."""
    return "" if value is None else f"{float(value):.2f}"


def _exact(value: Any) -> str:
    """An input as stored, unrounded and in plain notation (0.025 a year, a rate of 0.9605): review 144, a wage growth
    of 2.5% / 3.5% / 4.5% read 0.03 / 0.04 / 0.04, so a model rebuilt from the CSV gave other totals."""
    # To ten significant figures: a figure worked out from others (a product of two rates) otherwise reads to the
    # float's last digit, 0.12454483324030363 (review 148); a stored input has fewer and reads as stored.
    return "" if value is None else format(Decimal(f"{float(value):.10g}").normalize(), "f")


def _row(
    option: str, item: str, kind: str, currency: str, band: Any, note: str = "", *, exact: bool = False
) -> list[str]:
    low, likely, high = band if band is not None else (None, None, None)
    shown = _exact if exact else _number
    return [_safe(option), _safe(item), kind, currency, shown(low), shown(likely), shown(high), _safe(note)]


def _saving_note(m: CostModel) -> str:
    if m.extra_cost and m.probability_saving is None:
        return "costs more than in-house: never a saving"
    if m.extra_cost:
        # Likely, not never: some simulated cases save (review 141: "never a saving" beside a positive P90).
        return (
            f"likely costs more than in-house; P50 {m.savings_p50:.2f}; probability of a saving "
            f"{m.probability_saving:.4f}"
        )
    if m.probability_saving is None:
        return f"{m.savings_percent}% of in-house" if m.savings_percent is not None else ""
    even = f"month {m.break_even_month}" if m.break_even_month else "not within the horizon"
    return f"P50 {m.savings_p50:.2f}; probability of a saving {m.probability_saving:.4f}; break-even {even}"


def cost_rows(
    cost: Cost, ev: EvaluationRecord | None = None, checks: Iterable[AnswerCheck] = ()
) -> Iterator[list[str]]:
    """Every figure of the cost section: in-house lines and total, each model's lines, total and saving, the
    models not costed, then every input with its one source. ``ev``: the evaluation the cost is part of, for what the
    page says beside a model's figures (a stop-gap priced for the whole period, a model the start date rules out).
    ``checks``: the answers the result names for checking (``checks.result_checks``), first, as the page puts them
    before the figures (review 172: finance, reading the file alone, was not told how the cost read the answers)."""
    cur = cost.currency
    said = _start_date_notes(ev) if ev is not None else {}
    for check in checks:
        yield _row("", "Check your answers", "check", "", None, check.text)
    if not cost.available:
        # No figure at all, so no currency: the stored one is only the default of a cost never worked out.
        yield _row("", "No cost estimate", "unavailable", "", None, cost.reason)
        if cost.inhouse_horizon is not None:  # the data may not leave: in-house alone, to set onshore quotes against
            yield from _inhouse_rows(cost)
            for i in cost.inhouse_inputs:
                yield _row(INHOUSE, i.label, "input", "", None, f"{i.value} ({i.source})")
            yield from _figure_rows(cost)
        # A buyer elsewhere: what the providers would likely charge, in US dollars, with what each figure rests on.
        for fees in cost.provider_fees:
            if fees.horizon is not None:
                yield _row(
                    fees.name, f"Provider fees over {cost.period}", "provider_fees", "USD", fees.horizon, fees.formula
                )
            if fees.total is not None:  # the whole cost but what rests on in-house pay (stored since it was)
                for line in fees.lines:
                    yield _row(fees.name, line.label, line.kind, "USD", line.horizon, line.formula)
                left_out = f"not counted, resting on your in-house pay: {'; '.join(fees.left_out)}"
                yield _row(
                    fees.name,
                    f"Total over {cost.period}",
                    "total",
                    "USD",
                    fees.total,
                    "; ".join(n for n in (said.get(fees.model, ""), left_out if fees.left_out else "") if n),
                )
                yield _row(
                    fees.name,
                    "Level with in-house: loaded cost of one in-house person a year",
                    "level",
                    "USD",
                    fees.level,
                    "the total ÷ the in-house person-years the work needs, less those a team moved in waves keeps "
                    "in-house while it moves",
                )
            for i in fees.inputs:
                yield _row(fees.name, i.label, "input", "", None, f"{i.value} ({i.source})")
        for name, why in cost.skipped:  # set only beside provider fees
            yield _row(name, "Not costed", "skipped", "", None, why)
        return
    if ev is not None and (here := ev.delivery_location) is not None:
        # Which location the figures are priced at (review 152: "Poland" was only in two input labels).
        yield _row("", "Delivered from", "location", "", None, f"{here.name}: every model below is priced from there")
    yield from _inhouse_rows(cost)
    for m in cost.models:
        for line in m.lines:
            yield _row(m.name, line.label, line.kind, cur, line.horizon, line.formula)
        # The sum of its lines where it has them (review 136: the total's note was the first line's formula).
        total_note = TOTAL_NOTE if m.lines else m.formula
        yield _row(m.name, f"Total over {cost.period}", "total", cur, m.horizon, total_note)
        # A blocked verdict's figures are what they would be, were it not blocked, as the memo says (review 143).
        unless = "were it not blocked" if ev is not None and ev.blockers else ""
        note = "; ".join(n for n in (unless, said.get(m.model, ""), _saving_note(m)) if n)
        yield _row(m.name, "Saving against in-house", "saving", cur, m.savings, note)
    if ev is not None:
        yield from _plan_rows(ev, cur)
    yield from _cheaper_rows(cost)
    for name, why in cost.skipped:
        yield _row(name, "Not costed", "skipped", cur, None, why)
    yield from _figure_rows(cost)


# A total's note in the cost CSV (review 138: "the sum of the lines above" held for the likely column only).
TOTAL_NOTE = (
    "likely: the sum of the likely figures above; P10 and P90: the total's own over the simulated cases, not the sum "
    "of the lines' P10s or P90s"
)


def _plan_rows(ev: EvaluationRecord, cur: str) -> Iterator[list[str]]:
    """The plan the start date's trade-off costs as one (a stop-gap until the model the answers favour has launched):
    its likely total and saving, rows of their own (reviews 131 and 135: only notes pointed at it)."""
    for conflict in ev.favoured_conflicts[:1]:
        for option in conflict.options:
            if option.plan is None:
                continue
            total, saving = option.plan
            name = f"Plan: {option.text}"
            unless = "were it not blocked, " if ev.blockers else ""  # review 141
            how = f"{unless}likely figures added, not simulated together: {option.costs}"
            yield _row(name, f"Total over {ev.cost.period}", "plan", cur, (None, total, None), how)
            yield _row(name, "Saving against in-house", "plan_saving", cur, (None, saving, None), unless.rstrip(", "))


def _cheaper_rows(cost: Cost) -> Iterator[list[str]]:
    """The recommended model from a location that meets every requirement too and would likely cost materially less
    (the figure the verdict and the memo quote beside it): its total and saving, so finance can find it (review 152:
    "from India, tied on fit: a likely saving of £81,800" was in no row)."""
    other = cost.cheaper_location
    if other is None:
        return
    name = f"{other.model_name} from {other.name}"
    behind = (
        f"{other.points_behind} points behind on fit"
        if other.points_behind > 0
        else f"{-other.points_behind} points ahead on fit, ranked below"
        if other.points_behind < 0
        else "tied on fit"
    )
    tool = "; needs a transfer tool for personal data" if other.needs_transfer_tool else ""
    asks = f"; {'; '.join(other.needs)}" if other.needs else ""
    whole = f"the same model priced from {other.name} as a whole; its lines are not listed"
    yield _row(name, f"Total over {cost.period}", "alternative_total", cost.currency, other.horizon, whole)
    yield _row(
        name,
        "Saving against in-house",
        "alternative_saving",
        cost.currency,
        other.savings,
        f"{behind}{tool}{asks}; probability of a saving {other.probability_saving:.4f}; from the location delivered "
        f"from, likely {other.delivered_saving:.2f} with probability {other.delivered_probability_saving:.4f}",
    )


def _start_date_notes(ev: EvaluationRecord) -> dict[str, str]:
    """By model code, what the page says beside a model's figures when the start date rules out the model the answers
    favour (review 127: the CSV listed the stop-gap's saving and the favoured model's without a word of either)."""
    notes = dict.fromkeys(
        ev.ruled_out_by_date, "your start date rules it out: costed from its own launch, as the trade-off offers it"
    )
    if ev.favoured_conflicts and ev.models and ev.models[0].code not in notes:
        notes[ev.models[0].code] = (
            "the best that can start by your date, priced for the whole period as if it stayed: it may be only a "
            "bridge to the model your answers favour (the result's trade-offs cost that plan)"
        )
    return notes


def _inhouse_rows(cost: Cost) -> Iterator[list[str]]:
    for line in cost.inhouse_lines:
        yield _row(INHOUSE, line.label, "in-house", cost.currency, line.horizon, line.formula)
    yield _row(INHOUSE, f"Total over {cost.period}", "total", cost.currency, cost.inhouse_horizon, TOTAL_NOTE)


def _figure_rows(cost: Cost) -> Iterator[list[str]]:
    for f in cost.figures:
        marks = [f.source, *(["your figure"] if f.supplied else []), *(["weak source: verify"] if f.weak else [])]
        yield _row(
            "input", f.label, "input", "", (f.low, f.likely, f.high), "; ".join(m for m in marks if m), exact=True
        )


@require_safe
@member_required()
def cost_csv(request: MemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(recommendation, "cost.csv")}"'
    writer = csv_writer(response)
    writer.writerow(COLUMNS)
    evaluation = recommendation.record.evaluation
    writer.writerows(cost_rows(evaluation.cost, evaluation, result_checks(recommendation)))
    return response
