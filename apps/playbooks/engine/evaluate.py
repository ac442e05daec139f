"""Evaluating answers against a compiled playbook.

Fit score: 50 + the sum of the fit points of every rule that fires, clamped to 0..100.
Verdict: any blocker means "KPO doesn't win", and the fit score is then capped just below the
conditional threshold (the uncapped figure is kept as ``unblocked_score``); otherwise the score
against the playbook's two thresholds (wins / conditional). Models and locations are ranked by
the sum of their points, ties broken by catalogue order then code (locations: by name), so the same
answers always give the same result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from apps.playbooks.engine.compiler import CompiledPlaybook, rule_index
from apps.playbooks.engine.cost import CostEstimate, estimate

BASE_SCORE = 50
VERDICT_LABELS = {
    "wins": "KPO wins",
    "conditional": "KPO wins, on conditions",
    "doesnt_win": "KPO doesn't win",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "": 3}
PHASES = (("before_signing", "Before signing"), ("in_contract", "In the contract"), ("during", "During the engagement"))


@dataclass(frozen=True)
class Contribution:
    """One rule's points on a model or a location. ``text`` (curated, may be empty) says how that target
    meets what the rule asks, so a reason reads as the buyer's ask and this location's answer to it."""

    rule: str
    name: str
    points: int
    text: str = ""


@dataclass(frozen=True)
class FiredRule:
    code: str
    name: str
    rationale: str
    because: tuple[str, ...]
    effects: tuple[str, ...]
    fit_points: int


@dataclass(frozen=True)
class Blocker:
    rule: str
    name: str
    reason: str


@dataclass(frozen=True)
class RankedModel:
    code: str
    name: str
    score: int
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class TriggeredRegime:
    code: str
    name: str
    kind: str
    jurisdiction: str
    summary: str
    because: tuple[str, ...]
    obligations: tuple[tuple[str, str, tuple[Mapping[str, Any], ...]], ...]
    sources: tuple[Mapping[str, Any], ...]
    confidence: str
    # ISO dates from the catalogue snapshot; empty in playbooks published before they were recorded.
    effective_date: str = ""
    last_reviewed: str = ""


@dataclass(frozen=True)
class Risk:
    title: str
    severity: str
    mitigation: str
    rule: str


@dataclass(frozen=True)
class RankedLocation:
    code: str
    name: str
    score: int
    overlap_us: float | None
    overlap_uk: float | None
    gdpr_transfer: str
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class Evaluation:
    playbook_id: Any
    playbook_version: int | None
    visible: tuple[str, ...]
    visible_sections: tuple[str, ...]
    answers: Mapping[str, Any]
    missing_required: tuple[str, ...]
    fit_score: int
    unblocked_score: int
    verdict: str
    blockers: tuple[Blocker, ...]
    fired: tuple[FiredRule, ...]
    fit_contributions: tuple[Contribution, ...]
    models: tuple[RankedModel, ...]
    regimes: tuple[TriggeredRegime, ...]
    risks: tuple[Risk, ...]
    locations: tuple[RankedLocation, ...]
    cost: CostEstimate = field(default_factory=lambda: CostEstimate(available=False))
    # Where the buyer's people work (the answer to the question with the buyer_location role; "" when
    # unanswered or the playbook has no such question): decides which overlap columns apply to them.
    buyer_location: str = ""

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def top_model(self) -> str | None:
        return self.models[0].code if self.models else None

    @property
    def regime_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.regimes)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["answers"] = dict(self.answers)
        data["verdict_label"] = self.verdict_label
        data["top_model"] = self.top_model
        return data


def visible_answers(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> tuple[list[str], list[str], dict[str, Any]]:
    """Walk the questions in order; a hidden question's answer never counts (but is kept by the caller)."""
    effective: dict[str, Any] = {}
    visible: list[str] = []
    sections: list[str] = []
    for section in pb.sections:
        if not pb.section_visible[section.code](effective):
            continue
        sections.append(section.code)
        for code in section.questions:
            if pb.question_visible[code](effective):
                visible.append(code)
                value = answers.get(code)
                if value is not None:
                    effective[code] = value
    return visible, sections, effective


def _effect_words(effect: Any, pb: CompiledPlaybook) -> str:
    cat = pb.catalogue
    if effect.kind == "fit":
        return f"fit {effect.points:+d}"
    if effect.kind == "model":
        return f"{cat.models[effect.target].get('name', effect.target)} {effect.points:+d}"
    if effect.kind == "location":
        return f"{cat.locations[effect.target].get('name', effect.target)} {effect.points:+d}"
    if effect.kind == "regime":
        return f"triggers {cat.regimes[effect.target].get('name', effect.target)}"
    if effect.kind == "blocker":
        return "blocks KPO"
    return f"risk: {effect.text}"


def _order_key(entries: Mapping[str, Mapping[str, Any]], code: str) -> tuple[Any, str]:
    return (entries[code].get("order", 100), code)


def _verdict(pb: CompiledPlaybook, fit_points: int, blocked: bool) -> tuple[int, int, str]:
    """(unblocked score, reported score, verdict) from the fit points and whether anything blocks."""
    unblocked = max(0, min(100, BASE_SCORE + fit_points))
    if blocked:
        return unblocked, min(unblocked, max(0, pb.conditional_threshold - 1)), "doesnt_win"
    if unblocked >= pb.wins_threshold:
        return unblocked, unblocked, "wins"
    if unblocked >= pb.conditional_threshold:
        return unblocked, unblocked, "conditional"
    return unblocked, unblocked, "doesnt_win"


def _kpo_models(pb: CompiledPlaybook) -> list[str]:
    return [code for code, m in pb.catalogue.models.items() if m.get("is_kpo", True) and not m.get("retired")]


def _ranked(models: Mapping[str, Mapping[str, Any]], scores: Mapping[str, int]) -> list[str]:
    return sorted(scores, key=lambda c: (-scores[c], *_order_key(models, c)))


@dataclass(frozen=True)
class Outcome:
    verdict: str
    fit_score: int
    top_model: str | None
    unblocked_score: int = 0
    blockers: int = 0


def outcome(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> Outcome:
    """Just the verdict, fit score and top model, for re-scoring many answer sets at once (impact
    preview). Same rules and arithmetic as ``evaluate``, without building the explanation."""
    _, _, effective = visible_answers(pb, answers)
    scores = dict.fromkeys(_kpo_models(pb), 0)
    index = rule_index(pb)
    fit_points, blockers = index.tally(index.fired(effective), scores)
    unblocked, score, verdict = _verdict(pb, fit_points, blockers > 0)
    ranked = _ranked(pb.catalogue.models, scores)
    return Outcome(verdict, score, ranked[0] if ranked else None, unblocked, blockers)


@dataclass(frozen=True)
class _RulePlan:
    """What one rule adds to an evaluation when it fires; built once per compiled playbook."""

    fired: FiredRule
    fit: tuple[Contribution, ...]
    models: tuple[tuple[str, Contribution], ...]
    locations: tuple[tuple[str, Contribution], ...]
    blockers: tuple[Blocker, ...]
    regimes: tuple[str, ...]
    risks: tuple[Risk, ...]


def _plan(pb: CompiledPlaybook, rule: Any) -> _RulePlan:
    def contribution(e: Any) -> Contribution:
        return Contribution(rule.code, rule.name, e.points, e.text if e.kind == "location" else "")

    effects = rule.effects
    return _RulePlan(
        fired=FiredRule(
            code=rule.code,
            name=rule.name,
            rationale=rule.rationale,
            because=tuple(c.describe(pb.questions) for c in rule.conditions),
            effects=tuple(_effect_words(e, pb) for e in effects),
            fit_points=sum(e.points for e in effects if e.kind == "fit"),
        ),
        fit=tuple(contribution(e) for e in effects if e.kind == "fit"),
        models=tuple((e.target, contribution(e)) for e in effects if e.kind == "model"),
        locations=tuple((e.target, contribution(e)) for e in effects if e.kind == "location"),
        blockers=tuple(Blocker(rule.code, rule.name, e.text) for e in effects if e.kind == "blocker"),
        regimes=tuple(e.target for e in effects if e.kind == "regime"),
        risks=tuple(Risk(e.text, e.severity, e.mitigation, rule.code) for e in effects if e.kind == "risk"),
    )


def _fired_plans(pb: CompiledPlaybook, effective: Mapping[str, Any]) -> list[_RulePlan]:
    """The plans of the rules that fire on ``effective``, in rule order. A rule's explanation depends
    on the rule alone, so it is worked out the first time the rule fires and kept with the index."""
    index = rule_index(pb)
    plans = index.plans
    if plans is None:
        plans = index.plans = [None] * len(pb.rules)
    out = []
    for i in index.fired_rules(effective):
        plan = plans[i]
        if plan is None:
            plan = plans[i] = _plan(pb, pb.rules[i][0])
        out.append(plan)
    return out


def evaluate(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> Evaluation:
    visible, sections, effective = visible_answers(pb, answers)
    missing = tuple(c for c in visible if pb.questions[c].required and c not in effective)
    cat = pb.catalogue

    fit_points = 0
    fit_contribs: list[Contribution] = []
    blockers: list[Blocker] = []
    fired: list[FiredRule] = []
    model_scores = dict.fromkeys(_kpo_models(pb), 0)
    model_contribs: dict[str, list[Contribution]] = {code: [] for code in model_scores}
    location_scores = {code: 0 for code, loc in cat.locations.items() if not loc.get("retired")}
    location_contribs: dict[str, list[Contribution]] = {code: [] for code in location_scores}
    regime_because: dict[str, list[str]] = {}
    risks: list[Risk] = []

    for plan in _fired_plans(pb, effective):
        fired.append(plan.fired)
        fit_points += plan.fired.fit_points
        fit_contribs.extend(plan.fit)
        for target, contribution in plan.models:
            if target in model_scores:
                model_scores[target] += contribution.points
                model_contribs[target].append(contribution)
        for target, contribution in plan.locations:
            if target in location_scores:
                location_scores[target] += contribution.points
                location_contribs[target].append(contribution)
        blockers.extend(plan.blockers)
        for target in plan.regimes:
            regime_because.setdefault(target, []).append(plan.fired.name)
        risks.extend(plan.risks)

    unblocked, score, verdict = _verdict(pb, fit_points, bool(blockers))
    ranked_models = tuple(
        RankedModel(code, str(cat.models[code].get("name", code)), model_scores[code], tuple(model_contribs[code]))
        for code in _ranked(cat.models, model_scores)
    )
    ranked_locations = tuple(
        RankedLocation(
            code=code,
            name=str(cat.locations[code].get("name", code)),
            score=location_scores[code],
            overlap_us=cat.locations[code].get("overlap_us"),
            overlap_uk=cat.locations[code].get("overlap_uk"),
            gdpr_transfer=str(cat.locations[code].get("gdpr_transfer", "")),
            contributions=tuple(location_contribs[code]),
        )
        for code in sorted(location_scores, key=lambda c: (-location_scores[c], str(cat.locations[c].get("name", c))))
    )
    regimes = []
    for code, because in regime_because.items():
        entry = cat.regimes[code]
        obligations = entry.get("obligations", [])
        grouped = tuple(
            (phase, label, tuple(o for o in obligations if o.get("phase") == phase)) for phase, label in PHASES
        )
        regimes.append(
            TriggeredRegime(
                code=code,
                name=str(entry.get("name", code)),
                kind=str(entry.get("kind", "")),
                jurisdiction=str(entry.get("jurisdiction", "")),
                summary=str(entry.get("summary", "")),
                because=tuple(because),
                obligations=grouped,
                sources=tuple(entry.get("sources", [])),
                confidence=str(entry.get("confidence", "")),
                effective_date=str(entry.get("effective_date") or ""),
                last_reviewed=str(entry.get("last_reviewed") or ""),
            )
        )
    risks.sort(key=lambda r: SEVERITY_ORDER.get(r.severity, 3))

    def role(name: str) -> Any:
        code = pb.roles.get(name)
        return effective.get(code) if code else None

    cost = estimate(
        cat.models,
        cat.functions,
        [m.code for m in ranked_models[:3]],
        function_code=role("function"),
        annual_hours=role("annual_hours"),
        team_size=role("team_size"),
        deliverables=role("deliverables"),
        horizon_years=role("horizon"),
        home_market=role("home_market"),
    )
    return Evaluation(
        playbook_id=pb.id,
        playbook_version=pb.version,
        visible=tuple(visible),
        visible_sections=tuple(sections),
        answers=effective,
        missing_required=missing,
        fit_score=score,
        unblocked_score=unblocked,
        verdict=verdict,
        blockers=tuple(blockers),
        fired=tuple(fired),
        fit_contributions=tuple(fit_contribs),
        models=ranked_models,
        regimes=tuple(regimes),
        risks=tuple(risks),
        locations=ranked_locations,
        cost=cost,
        buyer_location=str(role("buyer_location") or ""),
    )
