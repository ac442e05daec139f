"""The one tally: which rules fire, the fit points, blockers and model points they add up to, and the
verdict and model ranking that follow. ``evaluate`` (which adds the explanation), ``outcome`` (the bare
result, for re-scoring many answer sets) and weight sensitivity all start from it.

Fit score: 50 + the fit points of every rule that fires, clamped to 0..100. Any blocker means "KPO
doesn't win", and the score is then capped just below the conditional threshold (the uncapped figure
is kept as ``unblocked_score``); otherwise the score against the two thresholds, except that an open
gate (a legal step before signing that someone else may refuse: an export licence, a regulator's
approval, a client's consent still to be asked for) caps "KPO wins" at "KPO wins, on conditions" (the
score itself is not changed). Models rank by their
points, ties broken by catalogue order, then code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apps.playbooks.engine.compiler import CompiledPlaybook, RuleIndex, index_of, rule_index, tallies

BASE_SCORE = 50


def kpo_models(pb: CompiledPlaybook) -> list[str]:
    """The models a rule can rank: KPO models still offered (contrasts such as BPO are only shown)."""
    return [code for code, m in pb.catalogue.models.items() if m.get("is_kpo", True) and not m.get("retired")]


def order_key(entries: Mapping[str, Mapping[str, Any]], code: str) -> tuple[float, float, str]:
    """How models sort when their points tie: the lighter commitment first. A tie means the answers do not
    separate the two, so the cheaper mistake is the model the buyer can start soonest and leave most
    easily: the shorter ramp-up (months), then the fewer hours committed a year (none for pay-per-use or
    per-deliverable), then the code, so the result never rests on the order a curator displays them in."""
    entry = entries[code]
    ramp_up = entry.get("ramp_up_months")
    committed = entry.get("commitment_hours")
    return (float(ramp_up) if ramp_up is not None else 12.0, float(committed or 0), code)


def ranked(models: Mapping[str, Mapping[str, Any]], scores: Mapping[str, int]) -> list[str]:
    """Model codes, most points first."""
    return sorted(scores, key=lambda c: (-scores[c], *order_key(models, c)))


def model_order(pb: CompiledPlaybook) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the models a rule can rank, in catalogue order; the same in tie-break order), worked out once per
    compiled playbook instead of on every call."""
    memo = rule_index(pb).memo
    found: tuple[tuple[str, ...], tuple[str, ...]] | None = memo.get("models")
    if found is None:
        offered = tuple(kpo_models(pb))
        found = memo["models"] = (offered, tuple(sorted(offered, key=lambda c: order_key(pb.catalogue.models, c))))
    return found


def counted_rules(pb: CompiledPlaybook) -> tuple[int, ...]:
    """The positions of the rules an outcome counts: those adding fit points, a blocker, a gate or points to a
    model a rule can rank. The others (locations, regimes, risks, conditions: about half the reference playbook's)
    never change a verdict, fit score, top model, unblocked score or blocker count."""
    index = rule_index(pb)
    found: tuple[int, ...] | None = index.memo.get("counted rules")
    if found is None:
        found = index.memo["counted rules"] = tuple(
            i for i, (rule, _) in enumerate(pb.rules) if any(tallies(rule, index.offered))
        )
    return found


def counted_index(pb: CompiledPlaybook) -> RuleIndex:
    """The rule index of ``counted_rules`` alone, for the single call (``single``): fewer bits, fewer
    questions to read, smaller tables. Made on first use and kept with ``pb``'s own index."""
    memo = rule_index(pb).memo
    found: RuleIndex | None = memo.get("counted index")
    if found is None:
        rules = [pb.rules[i] for i in counted_rules(pb)]
        found = memo["counted index"] = index_of(rules, pb.questions, pb.catalogue)
    return found


def verdict_for(pb: CompiledPlaybook, fit_points: int, blocked: bool, gated: bool) -> tuple[int, int, str]:
    """(unblocked score, reported score, verdict) from the fit points, whether anything blocks and whether
    a gate is open (which caps "wins" at "conditional")."""
    unblocked = max(0, min(100, BASE_SCORE + fit_points))
    if blocked:
        return unblocked, min(unblocked, max(0, pb.conditional_threshold - 1)), "doesnt_win"
    if unblocked >= pb.wins_threshold:
        return unblocked, unblocked, "conditional" if gated else "wins"
    if unblocked >= pb.conditional_threshold:
        return unblocked, unblocked, "conditional"
    return unblocked, unblocked, "doesnt_win"


@dataclass(frozen=True)
class Outcome:
    """What an answer set comes to without the why (``evaluate.outcome``, ``bare``): a value of few states."""

    verdict: str
    fit_score: int
    top_model: str | None
    unblocked_score: int = 0
    blockers: int = 0


@dataclass(frozen=True)
class Tally:
    fired: tuple[int, ...]  # positions of the rules that fire, in rule order
    fit_points: int
    blockers: int
    gates: int  # open gates: any caps "wins" at "conditional"
    model_scores: Mapping[str, int]  # every KPO model still offered, with its points
    models: tuple[str, ...]  # model codes, best first
    unblocked_score: int
    fit_score: int
    verdict: str

    @property
    def top_model(self) -> str | None:
        return self.models[0] if self.models else None


def tally(pb: CompiledPlaybook, effective: Mapping[str, Any], *, fired: int | None = None) -> Tally:
    """Score ``effective`` (the answers that count: see ``visibility``) with ``pb``'s rules; ``fired``, when
    given, is ``RuleIndex.fired(effective)`` already worked out (``single.fired``)."""
    index = rule_index(pb)
    if fired is None:
        fired = index.fired(effective)
    offered, order = model_order(pb)
    scores = dict.fromkeys(offered, 0)
    fit_points, blockers, gates = index.tally(fired, scores)
    unblocked, score, verdict = verdict_for(pb, fit_points, blockers > 0, gates > 0)
    return Tally(
        fired=tuple(index.rules_in(fired)),
        fit_points=fit_points,
        blockers=blockers,
        gates=gates,
        model_scores=scores,
        # A stable sort by points over the tie-break order: ``ranked``'s order without its key per model.
        models=tuple(sorted(order, key=lambda c: -scores[c])),
        unblocked_score=unblocked,
        fit_score=score,
        verdict=verdict,
    )


def bare(pb: CompiledPlaybook, effective: Mapping[str, Any]) -> tuple[str, int, str | None, int, int]:
    """(verdict, fit score, top model, unblocked score, blockers) of ``effective``: ``tally`` without the
    fired rules' positions or the full ranking (the first model with the most points is the top one)."""
    index = rule_index(pb)
    offered, order = model_order(pb)
    scores = dict.fromkeys(offered, 0)
    fit_points, blockers, gates = index.tally(index.fired(effective), scores)
    unblocked, score, verdict = verdict_for(pb, fit_points, blockers > 0, gates > 0)
    top = max(order, key=scores.__getitem__) if order else None  # max keeps the first of equals
    return verdict, score, top, unblocked, blockers
