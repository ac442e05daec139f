"""Rule-weight sensitivity, for curators: for one answer set, how far each fired rule's points can move
before the result changes.

Model points add up per model and the highest total ranks first (ties go to the catalogue order, then
the code), so for one model effect the safe range is exact arithmetic on the totals: the top model's
own effect can fall until the runner-up would overtake it, another model's effect can rise until that
model would. Fit points move the fit score; the verdict holds while the score stays in its band (the
score is clamped to 0..100, a blocker fixes the verdict whatever the points, and an open gate keeps it
from rising past "KPO wins, on conditions"). Effects of rules that
did not fire cannot change this result and are left out. The result is checked against re-scoring with
the changed weight in the tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from apps.playbooks.engine.compiler import CompiledPlaybook
from apps.playbooks.engine.scoring import BASE_SCORE, order_key, tally
from apps.playbooks.engine.types import VERDICT_LABELS
from apps.playbooks.engine.visibility import visibility


@dataclass(frozen=True)
class WeightRange:
    rule: str
    rule_name: str
    kind: str  # "model" or "fit"
    target: str  # the model code, or "" for fit
    target_name: str
    points: int
    low: int | None  # the lowest weight that keeps the result; None: no lower limit
    high: int | None  # the highest weight that keeps the result; None: no upper limit
    below: str  # what happens below ``low``
    above: str  # what happens above ``high``
    effect: int = 0  # the effect's position in the rule

    @property
    def margin(self) -> int | None:
        """How far the weight is from the nearest change (None when nothing it can do changes the result)."""
        gaps = [g for g in (None if self.low is None else self.points - self.low,
                            None if self.high is None else self.high - self.points) if g is not None]  # fmt: skip
        return min(gaps) if gaps else None


def weight_sensitivity(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> list[WeightRange]:
    """The safe range of every fired rule's model and fit points, most fragile first."""
    scored = tally(pb, visibility(pb, answers).answers)
    models = pb.catalogue.models
    scores, fit_points, blocked, gated = scored.model_scores, scored.fit_points, scored.blockers > 0, scored.gates > 0
    # A requirement rule's exclusion is no curator's weight to tune (``compiler.requirement_rules``).
    fired = [rule for i in scored.fired if not (rule := pb.rules[i][0]).enforces]
    top, verdict = scored.top_model, scored.verdict

    def name(code: str) -> str:
        return str(models.get(code, {}).get("name", code))

    out: list[WeightRange] = []
    for rule in fired:
        for index, effect in enumerate(rule.effects):
            if effect.kind == "model" and effect.target in scores and top is not None:
                found = _model_range(rule.code, rule.name, effect.target, effect.points, scores, top, models, name)
            elif effect.kind == "fit":
                found = _fit_range(rule.code, rule.name, effect.points, fit_points, (blocked, gated), verdict, pb)
            else:
                continue
            out.append(replace(found, effect=index))
    return sorted(out, key=lambda r: (r.margin is None, r.margin if r.margin is not None else 0, r.rule))


def _model_range(
    code: str,
    rule_name: str,
    target: str,
    points: int,
    scores: Mapping[str, int],
    top: str,
    models: Mapping[str, Mapping[str, Any]],
    name: Any,
) -> WeightRange:
    top_key = order_key(models, top)
    if target == top:
        others = [o for o in scores if o != top]
        if not others:
            return WeightRange(code, rule_name, "model", target, name(target), points, None, None, "", "")

        # The largest drop d with the top model still first against ``o``.
        def slack(o: str) -> int:
            return scores[top] - scores[o] - (0 if top_key < order_key(models, o) else 1)

        challenger = min(others, key=lambda o: (slack(o), order_key(models, o)))
        low = points - slack(challenger)
        return WeightRange(
            code, rule_name, "model", target, name(target), points, low, None,
            f"{name(challenger)} would rank first", "",
        )  # fmt: skip
    # Another model's effect: it overtakes the top model once its total passes (or ties ahead of) the top's.
    need = scores[top] - scores[target] + (0 if order_key(models, target) < top_key else 1)
    high = points + need - 1
    return WeightRange(
        code, rule_name, "model", target, name(target), points, None, high, "", f"{name(target)} would rank first"
    )


def _becomes(verdict: str) -> str:
    return f"the verdict would be “{VERDICT_LABELS[verdict]}”"


def _fit_range(
    code: str,
    rule_name: str,
    points: int,
    fit_points: int,
    stops: tuple[bool, bool],
    verdict: str,
    pb: CompiledPlaybook,
) -> WeightRange:
    """``stops``: (something blocks, a gate is open)."""
    blocked, gated = stops
    if blocked:  # a blocker decides the verdict whatever the fit points
        return WeightRange(code, rule_name, "fit", "", "fit score", points, None, None, "", "")
    base = BASE_SCORE + fit_points - points  # the score without this effect, before clamping
    # An open gate caps the verdict at "conditional": no score reaches "wins" (a threshold past 100 never does).
    wins, conditional = (101 if gated else pb.wins_threshold), pb.conditional_threshold
    # The score is clamped to 0..100, so a threshold outside that range can never be crossed.
    if verdict == "wins":
        low = wins - base if wins > 0 else None
        return WeightRange(
            code, rule_name, "fit", "", "fit score", points, low, None,
            _becomes("conditional" if conditional < wins else "doesnt_win"), "",
        )  # fmt: skip
    if verdict == "conditional":
        low = conditional - base if conditional > 0 else None
        high = wins - 1 - base if wins <= 100 else None
        return WeightRange(
            code, rule_name, "fit", "", "fit score", points, low, high,
            _becomes("doesnt_win"), _becomes("wins"),
        )  # fmt: skip
    high = conditional - 1 - base if conditional <= 100 else None
    return WeightRange(
        code, rule_name, "fit", "", "fit score", points, None, high,
        "", _becomes("conditional" if conditional < wins else "wins"),
    )  # fmt: skip
