"""The memo's practice guidance for one recommendation, chosen from the guidance its playbook froze.

A published playbook's catalogue snapshot holds every guidance item (``compliance.Guidance.as_data``).
The writer keeps the ones that apply to this recommendation (not retired; the top model's pricing basis
and the triggered regimes match what each item says it applies to), works the pilot plan out, and stores
the result, so the memo prints it the same forever.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from apps.recommendations.snapshot.historical import cost_threshold, pilot_scope
from apps.recommendations.snapshot.types import (
    GuidanceItem,
    GuidanceSource,
    MemoGuidance,
    PilotPlan,
    PilotThreshold,
    Snapshot,
    SourceNote,
)

WEAK = "weak"


def _applies(item: Mapping[str, Any], *, basis: str, regimes: set[str]) -> bool:
    if item.get("retired"):
        return False
    bases = item.get("pricing_bases") or []
    wanted = item.get("regimes") or []
    return (not bases or basis in bases) and (not wanted or bool(regimes.intersection(wanted)))


def _source(item: Mapping[str, Any]) -> GuidanceSource:
    """The item's first source as the memo names it: its label where the curator gave one, else its title."""
    first = (item.get("sources") or [{}])[0]
    title = str(first.get("title", ""))
    return GuidanceSource(
        title=title,
        short=str(item.get("source_label") or title),
        url=str(first.get("url", "")),
        date=str(first.get("date", "")),
    )


def _item(item: Mapping[str, Any]) -> GuidanceItem:
    return GuidanceItem(
        str(item["code"]), str(item["title"]), str(item["text"]), _source(item), item.get("confidence") == WEAK
    )


def _first_cohort(snapshot: Snapshot) -> str:
    """The pilot's scope for a centre the buyer sets up itself: a first cohort of its own hires, since there is no
    provider to pilot (the words of ``pilot_scope`` otherwise)."""
    cost = snapshot.evaluation.cost
    people = cost.team_size if cost.available else None
    function = snapshot.function.name or "the work"
    cohort = f"{max(1, min(3, round(people)))} of the {people:g} people planned" if people else "a few people"
    return (
        f"{function}: a first cohort of your own hires ({cohort}), employed by your local entity, on a "
        "representative slice of the real work, checked against the same work at home before the rest are hired."
    )


def select_guidance(items: Sequence[Mapping[str, Any]], snapshot: Snapshot) -> MemoGuidance:
    """The guidance ``snapshot``'s memo prints, from a playbook's frozen guidance ``items`` (in curated order)."""
    top = snapshot.evaluation.top
    basis = top.pricing_basis if top is not None else ""
    regimes = {r.code for r in snapshot.evaluation.regimes}
    applying = [i for i in items if _applies(i, basis=basis, regimes=regimes)]

    def of(kind: str) -> list[Mapping[str, Any]]:
        return sorted((i for i in applying if i.get("kind") == kind), key=lambda i: (i.get("order", 0), i["code"]))

    clauses = tuple(_item(i) for i in of("clause"))
    thresholds = [
        PilotThreshold(str(i["title"]), str(i["text"]), str(i["stop_if"]), _source(i), i.get("confidence") == WEAK)
        for i in of("pilot_threshold")
    ]
    owned = top is not None and top.owned_by_buyer
    cost = cost_threshold(snapshot, owned=owned)
    if cost is not None:  # this recommendation's own figures, second (after the first curated measure)
        thresholds.insert(min(1, len(thresholds)), cost)
    transition = next(iter(of("pilot_transition")), None)
    labelled = (c.source for c in clauses if c.source.short != c.source.title)
    notes = dict.fromkeys(SourceNote(s.short, s.title) for s in labelled)
    return MemoGuidance(
        clauses=clauses,
        source_notes=tuple(notes),
        pilot=PilotPlan(
            scope=_first_cohort(snapshot) if owned else pilot_scope(snapshot),
            thresholds=tuple(thresholds),
            transition=str(transition["text"]) if transition else "",
            transition_source=_source(transition) if transition else None,
            transition_weak=bool(transition and transition.get("confidence") == WEAK),
        ),
        exit=tuple(_item(i) for i in of("exit_step")),
    )
