"""Evaluating answers against a compiled playbook: the result with its explanation.

The numbers (fit score, verdict, model points and ranking) come from ``scoring.tally``, the one tally;
what is visible and still missing from ``visibility``. This module adds the why: the rules that fired,
each target's contributions, regimes with their obligations, risks, locations and the cost estimate.
Locations are ranked by the sum of their points, ties broken first (when a triggered regime governs
transfers of personal data out of the EEA or the UK) by whether the location needs a transfer tool, then by
whether a rule triggering another regime marks it down (delivery from there needs what that regime asks first,
an export authorisation), then by overlap with the buyer's working day up to the hours the buyer needs (more
first; overlap beyond them buys nothing; not known for a buyer elsewhere), then by the buyer's preferred region
(its stated preference decides before the price), then by cost index (lower first), and
only then by code, so the same answers always give the same result (the name never decides between
locations that differ on any of these), except that a location breaking a hard
requirement (``requirements``: the overlap the buyer needs, where the data may be processed, on-site
presence) always ranks after every location that meets them all, shown with what it breaks: no
preference's points outweigh a requirement. Among those meeting them all, a buyer setting up its own centre
where it already has an entity puts its preferred region (read as where the entity is) first
(``requirements.centre_here``), and only a cost delivered from there leaves out running an entity.

A regime whose jurisdiction is a delivery location's own country (India's DPDP Act), triggered by a rule
that also names that location (a location effect of zero or more points), is the law of where the data
is processed: it holds only when the work is delivered from there (the first location meeting every
requirement). A rule about the data's subjects (Indian personal data) triggers it wherever the work is done.

A risk effect naming a location (its ``target``) belongs to delivery from there (a war's threat to continuity, a
team working a shifted day, personal data leaving the EEA): it is shown only when that location is where the work
is delivered from (or one of the candidates the result names); a risk naming none holds wherever the work is done.
"""

from __future__ import annotations

import itertools
import math
import operator
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from apps.common.formatting import number, possessive
from apps.playbooks.engine import reasons
from apps.playbooks.engine import requirements as req
from apps.playbooks.engine.checks import AnswerCheck
from apps.playbooks.engine.compiler import CompiledPlaybook, rule_index
from apps.playbooks.engine.cost import CheaperLocation, CostEstimate, ProviderFees, estimate
from apps.playbooks.engine.plain import json_ready
from apps.playbooks.engine.scoring import BASE_SCORE, Outcome, Tally, tally
from apps.playbooks.engine.single import fired as rules_fired
from apps.playbooks.engine.single import outcome
from apps.playbooks.engine.tco.case import WEAK_MARK, index_source, location_index
from apps.playbooks.engine.tco.estimate import (
    QUOTED_PRICE_BASES,
    QUOTED_RATE_BASES,
    bridge,
    model_saving,
    total_cost,
)
from apps.playbooks.engine.tco.simulate import PARALLEL, BridgeCost
from apps.playbooks.engine.tco.types import INHOUSE_FTE, PEAK_SHARE, ModelSaving
from apps.playbooks.engine.types import PHASES, REQUIREMENT_ROLES, VERDICT_LABELS, Condition
from apps.playbooks.engine.visibility import Visibility, visibility, visible_answers

# Re-exported: consumers have long imported these names from here.
__all__ = [
    "BASE_SCORE",
    "PHASES",
    "VERDICT_LABELS",
    "Evaluation",
    "Outcome",
    "VerdictCondition",
    "evaluate",
    "outcome",
    "visible_answers",
]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "": 3}
# The regimes' vendor requirements (compliance.Regime.VendorRequirement) that are about transferring personal
# data out of the EEA or the UK: with one triggered, equal-scoring locations needing no transfer tool rank first.
TRANSFER_REQUIREMENTS = ("gdpr-transfer", "uk-transfer")


def needs_transfer_tool(location: Mapping[str, Any], transfers: frozenset[str]) -> bool:
    """Whether delivering from ``location`` needs a transfer tool under the transfer laws triggered (``transfers``,
    of ``TRANSFER_REQUIREMENTS``): SCCs where the EU has no adequacy decision for it, the IDTA or UK Addendum where
    UK adequacy regulations do not cover it (the EU's status stands in where a catalogue has no UK status)."""
    if "gdpr-transfer" in transfers and location.get("gdpr_transfer") == "needs_sccs":
        return True
    if "uk-transfer" in transfers:
        uk = location.get("uk_transfer") or ""
        return uk == "needs_idta" if uk else location.get("gdpr_transfer") == "needs_sccs"
    return False


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
class VerdictCondition:
    """A checkable item the verdict depends on ("Sign a BAA before any PHI moves"), from a rule's
    condition effect; the rule says why it is asked."""

    text: str
    rule: str
    name: str


@dataclass(frozen=True)
class Gate:
    """A legal step before signing that someone else may refuse (an export licence, a regulator's approval,
    a client's consent still to be asked for), from a rule's gate effect: while it is open the verdict is at
    best "KPO wins, on conditions". ``text`` names what must be settled ("the export authorisation ...")."""

    text: str
    rule: str
    name: str
    # A notice the regulator or supervisor may object to (the objection then to be settled), rather than an approval,
    # licence or consent it may refuse: the result says which of the two may happen.
    notice: bool = False
    # Evidence the provider must give and the buyer judges (a language shown on real work), rather than an approval
    # someone may refuse: the result says the verdict rests on what the provider shows.
    evidence: bool = False
    # Something the buyer arranges itself before signing (a licensed supervisor's time), not anyone else's decision.
    own: bool = False


# The condition a verdict for KPO carries when no delivery location meets every requirement the buyer set.
NOWHERE_TO_DELIVER = VerdictCondition(
    text="Settle one of the trade-offs on this page (relax a requirement, or keep the work in-house): "
    "no delivery location meets every requirement you set, so the work has nowhere to go as answered",
    rule="",
    name="no delivery location meets every requirement",
)
# Every engagement model breaks a requirement the buyer set (a start date none can meet for the team asked, say): as
# with nowhere to deliver from, a verdict for KPO holds only once what rules them out is settled, and no model is
# costed (review 152: sixty analysts to start within a month read "Best fit: Own captive centre" beside "None of
# these models can be used", and the cost "None of the engagement models has a price for this function").
NO_MODEL_FITS = VerdictCondition(
    text="Settle what rules every engagement model out (a trade-off on this page, or a requirement relaxed): no "
    "engagement model meets every requirement you set, so none can be used as answered",
    rule="",
    name="no engagement model meets every requirement",
)
NO_MODEL_COST = (
    "Every engagement model is ruled out by a requirement you set, so no offshore cost is estimated: see the "
    "engagement models and the trade-offs, then re-score."
)
# Where the recommended model likely costs more than in-house (its likely figure an extra cost, or a saving in under
# this share of the simulated cases), the verdict asks for the reason other than cost: a CFO signs "KPO wins" beside a
# move that costs more only with that reason named (review 64: 72% dearer, under 1% chance of a saving, on the buyer's
# own figures; review 94: 52% dearer with a one-in-ten chance said nothing). The verdict stays the fit's (the engine's
# contract: cost never decides it).
DEARER_CHANCE = 0.1


def likely_dearer(top: Any) -> bool:
    """Whether the recommended model's cost (a ``ModelCost``) likely costs more than in-house: its likely saving is an
    extra cost, or a saving comes in under ``DEARER_CHANCE`` of the simulated cases."""
    chance, share = top.probability_saving, top.savings_percent
    return chance is not None and (chance < DEARER_CHANCE or (share is not None and share < 0))


def dearer_condition(share: float | None, chance: float | None = None) -> VerdictCondition:
    """The condition asked when the recommended model likely costs more than in-house (``share``: its saving as a
    share of in-house, negative; None when not known; ``chance``: the share of simulated cases with a saving)."""
    more = (
        (
            f"likely costs {number(round(-share))}% more than keeping it in-house"
            if round(-share) >= 1
            else "likely costs slightly more (under 1%) than keeping it in-house"
        )
        if share is not None and share < 0
        else ("likely costs more than keeping it in-house")
    )
    odds = "under one in ten" if chance is None or chance < DEARER_CHANCE else f"{round(chance * 100)}%"
    return VerdictCondition(
        text="Name the reason other than cost (capacity, skills, speed, resilience) that justifies the move, and have "
        f"it agreed by whoever signs the budget: the recommended option {more}, with a saving in {odds} of "
        "the simulated cases",
        rule="",
        name="in-house is likely cheaper",
    )


# Why no cost is estimated when every location breaks a requirement: in general, and when the data may not
# leave the buyer's country (every catalogue location is abroad, so no offshore saving exists to show).
NOWHERE_COST = (
    "No delivery location meets every requirement you set, so no offshore cost is estimated: "
    "see the trade-offs to decide, then re-score."
)
ONSHORE_ONLY_COST = (
    "Your data may not be accessed from outside your country, and every delivery location the product prices is "
    "abroad, so no offshore cost or saving is estimated: compare onshore providers' quotes with your in-house cost."
)


@dataclass(frozen=True)
class RankedModel:
    code: str
    name: str
    score: int  # the playbook's own rules' points (a requirement rule's exclusion is not added in)
    contributions: tuple[Contribution, ...]
    # The hard requirements this model breaks, in words; a model with any ranks after every model with none.
    excluded_because: tuple[str, ...] = ()


# The playbook says "not this model for this work" with a rule that takes many points off it: its avoid rules take
# 40 to 70 (no shared pool for inside information or privileged material, no outcome contract for undocumented
# tacit work), as do the rules that set aside the centre models the buyer did not choose (their own centre, or a
# build-operate-transfer when they set it up themselves); no other rule takes more than 25 off a model. A curator
# who writes such a rule gives it 40 or more (docs/scoring.md).
AVOID_POINTS = 40


def advised_against(model: RankedModel) -> bool:
    """Whether the advice warns this model off for the work: a rule that fired takes ``AVOID_POINTS`` or more off
    it (a shared pool for inside information, say). The recommended model is costed whatever its points; after it,
    such a model is not costed, so the cost table never shows a saving on a model the advice warns off
    (``Evaluation.cost.skipped`` says why)."""
    return any(c.points <= -AVOID_POINTS for c in model.contributions)


def _against_words(model: RankedModel) -> str:
    rules = "; ".join(f"“{c.name}”, {c.points:+d}" for c in model.contributions if c.points <= -AVOID_POINTS)
    return f"the advice warns it off for this work ({rules}; score {model.score:+d}), so no saving is shown for it"


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
    # Why its sources are weak, in the curator's words ("" when they are not, or none was written).
    confidence_note: str = ""
    # When its text is known to change (a guideline revoked, a commencement), ISO; "" for none or not recorded.
    next_change_date: str = ""


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
    # The hard requirements this location breaks, in words; a location with any ranks last.
    excluded_because: tuple[str, ...] = ()
    # Overlap with the buyer's own working day when worked out from the UTC offsets (a buyer in
    # ``requirements.BUYER_DAYS``, or one accepting provider staff on shifted hours); None when the catalogue's US
    # Eastern or UK figure is the measure, or none applies.
    overlap_yours: float | None = None
    # The buyer's own country (``requirements.Requirements.home``): delivering from there is onshore, by a
    # domestic provider, ranked on the same criteria as the offshore locations.
    home: bool = False
    # In the region the buyer prefers (the ``preferred_region`` preference names it or its region): the result lists
    # it while it meets every requirement, however it ranks.
    preferred: bool = False
    # The local hours its staff work on the shifted day the buyer accepts ("13:00–21:00"), when that moves its day
    # (``requirements.accepted_day``); "" otherwise.
    shifted_day: str = ""
    # The overlap that moved day gives ("6–7 h over the year", ``requirements.day_gives``), where it is less than the
    # most the accepted shift gives, the figure shown and ranked on; "" otherwise.
    shifted_gives: str = ""
    # That moved day is as far as the accepted shift goes, so no day moved further gives more: its ``shifted_gives``
    # is the overlap shown, as it varies over the year (review 94: "3 h" for Poland and Sydney, whose clocks change
    # in opposite seasons, 2-4 h over the year).
    moved_furthest: bool = False
    # Its working day meets the buyer's only across the date line (``requirements.across_date_line``): on four of
    # the buyer's five working days.
    across_date_line: bool = False
    # The language the team must work in ("French", the ``work_language`` role), when rules rank the locations whose
    # teams work in it and this one is not among them: it ranks after every one that is, whatever its points.
    lacks_language: str = ""
    # The overlap of its plain 09:00-17:00 day, where the buyer accepts shifted hours, its plain day already gives the
    # overlap needed (no ``shifted_day``), and the most the shift gives (the figure shown) is more (review 88: "7 h"
    # shown where a plain day gives 3 h and no move is needed); None otherwise.
    plain_overlap: float | None = None
    # Its provider rates for this work against India's, where the function's rate follows where the team is only in
    # part (``requirements.work_rate``; review 176: the "verify" note gave Colombia's index 1.5 where the cost priced
    # 1.18); None when the whole rate follows it, or the location has no index.
    work_rate: float | None = None


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
    requirements: tuple[req.Requirement, ...] = ()
    preferences: tuple[req.Preference, ...] = ()
    conflicts: tuple[req.Conflict, ...] = ()
    # The first location meeting every hard requirement; "" when none does.
    delivered_from: str = ""
    # What the verdict depends on, each once, in rule order (empty when no rule states one).
    conditions: tuple[VerdictCondition, ...] = ()
    # When the buyer needs overlap with a working day the product cannot measure (a buyer elsewhere), no
    # location is ranked on time zone: the locations meeting every other requirement, in rank order, are the
    # candidates the result names instead of one (``delivered_from`` is then only where the cost is priced).
    delivery_candidates: tuple[str, ...] = ()
    # The open gates (each once, by text, in rule order): any caps "wins" at "conditional" (``scoring``).
    gates: tuple[Gate, ...] = ()
    # The models with as many points as the top one (neither breaking a requirement), in rank order: the answers
    # do not separate them, and the top one is first only by the tie-break (``scoring.order_key``).
    tied_models: tuple[str, ...] = ()
    # The high risks that hold only because the top model is recommended (a rule's risk worded for that model), by
    # title: beside a tie, the result names them, since the tie-break alone put that model first.
    top_model_high_risks: tuple[str, ...] = ()
    # How far the provider's working day is moved towards the buyer's when overlap is measured (hours): the
    # buyer accepts staff on shifted hours, or sets its own centre's hours (``requirements.SHIFT_HOURS``); 0: a
    # plain 09:00-17:00 day at both ends.
    shifted_hours: float = 0.0
    # That shift is assumed for the buyer's own centre's staff alone: the buyer never said whether a provider's
    # staff may work shifted hours (``Requirements.shift_own_only``).
    shift_own_only: bool = False
    # The result names every location meeting every requirement: the table's first five, then the rest by name
    # (a snapshot stored before it records none, and reads as it rendered: the first five alone).
    names_every_location: bool = True

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
        """The evaluation as the JSON a snapshot stores (objects, arrays, strings, numbers), as
        ``json.loads(json.dumps(dataclasses.asdict(self)))`` would give it: encoded and read back by orjson's
        native code, several times faster than walking the objects in Python on a large evaluation."""
        data: dict[str, Any] = json_ready(self)
        data["verdict_label"] = self.verdict_label
        data["top_model"] = self.top_model
        return data


def _counted_as(
    fired: list[FiredRule], pb: CompiledPlaybook, contribs: Mapping[str, Sequence[Contribution]]
) -> list[FiredRule]:
    """The fired rules, a location's points in words beside what they were counted as where the shifted day changed
    them (``_score_on_shifted_day``, ``_overnight_on_shifted_day``): "India -10, counted as +0 on the shifted day"
    (review 182: "Why" listed India -10 beside India's row saying no points were taken off)."""
    counted = {(c.rule, code): c.points for code, found in contribs.items() for c in found}
    out = []
    for f in fired:
        words = list(f.effects)
        changed = False
        for effect in _location_effects(pb, f.code):
            now = counted.get((f.code, effect.target))
            if now is None or now == effect.points:
                continue
            said = _effect_words(effect, pb)
            if said in words:
                words[words.index(said)] = f"{said}, counted as {now:+d} on the shifted day"
                changed = True
        out.append(replace(f, effects=tuple(words)) if changed else f)
    return out


def _location_effects(pb: CompiledPlaybook, code: str) -> list[Any]:
    """A rule's effects on locations, by its code (remembered per compiled playbook)."""
    found: dict[str, list[Any]] | None = rule_index(pb).memo.get("location effects")
    if found is None:
        found = {rule.code: [e for e in rule.effects if e.kind == "location"] for rule, *_ in pb.rules}
        rule_index(pb).memo["location effects"] = found
    return found.get(code, [])


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
    if effect.kind == "condition":
        return f"condition: {effect.text}"
    if effect.kind == "gate":
        return f"caps the verdict at “KPO wins, on conditions” until settled: {effect.text}"
    if effect.kind == "risk" and effect.model:
        return f"risk if {cat.models[effect.model].get('name', effect.model)} is recommended: {effect.text}"
    return f"risk: {effect.text}"  # a risk naming a location is said by ``_words``


def _no_parts(_: Mapping[str, int]) -> tuple[()]:
    """The parts of a rule with no conditions (``_RulePlan.ask``)."""
    return ()


@dataclass(frozen=True)
class _RulePlan:
    """What one rule adds to an evaluation when it fires; built once per compiled playbook."""

    fired: FiredRule
    fit: tuple[Contribution, ...]
    models: tuple[tuple[str, Contribution], ...]
    locations: tuple[tuple[str, Contribution], ...]
    blockers: tuple[Blocker, ...]
    regimes: tuple[str, ...]
    # (location, model, risk): a risk naming a location holds only when the work is delivered from there, one naming
    # a model only when that model is recommended ("" : anywhere, whatever the model; see ``_worded_for``).
    risks: tuple[tuple[str, str, Risk], ...]
    # (model, condition): a condition naming a model holds only when that model is recommended (``_asked_for``).
    conditions: tuple[tuple[str, VerdictCondition], ...] = ()
    gates: tuple[Gate, ...] = ()
    # Regimes this rule triggers only where the work is delivered: regime code -> location code.
    delivered_in: tuple[tuple[str, str], ...] = ()
    # With ``delivered_in``: the rule as explained when the work is delivered from elsewhere (``_elsewhere``).
    elsewhere: FiredRule | None = None
    # A requirement rule (``compiler.requirement_rules``): its models are shown as ruled out, not scored.
    enforces: str = ""
    # The rule's own conditions, said as the buyer's reasons once the answers are known (``_said_all``), and for
    # each what its words read: its question's answer (the question's code) or only whether there is one ("?code").
    tests: tuple[Condition, ...] = ()
    asks: tuple[str, ...] = ()
    # ``asks`` read out of ``_said_all``'s parts in one call (``operator.itemgetter``), for the key: a tuple of parts
    # for two or more conditions, the part itself for one.
    ask: Callable[[Mapping[str, int]], Any] = _no_parts
    # Its conditions test the hours of overlap the buyer needs: its location texts state an overlap on a plain
    # 09:00-17:00 day, which a buyer accepting shifted hours reads beside the shifted figure (``_on_shifted_day``).
    overlap: bool = False
    # It triggers a regime other than a personal-data transfer rule (``evaluate``'s ``regime_rules``): worked out
    # once from the compiled playbook's catalogue, not on every evaluation the rule fires in.
    regime_rule: bool = False
    # The rule's place in the playbook: with ``elsewhere``'s mark, the first part of its ``_said_all`` key.
    number: int = 0


def _local_law(pb: CompiledPlaybook, rule: Any) -> tuple[tuple[str, str], ...]:
    """(regime, location) for each regime this rule triggers whose jurisdiction is a location the same
    rule names (with zero or more points): the rule says "delivering from there brings its law", not
    "your data is about people there"."""
    cat = pb.catalogue
    scored = {str(cat.locations[e.target].get("name", e.target)): e.target
              for e in rule.effects if e.kind == "location" and e.points >= 0}  # fmt: skip
    return tuple(
        (e.target, scored[juris])
        for e in rule.effects
        if e.kind == "regime" and (juris := str(cat.regimes[e.target].get("jurisdiction", ""))) in scored
    )


def _local_words(pb: CompiledPlaybook, effect: Any, local: Mapping[str, str], there: bool) -> str | None:
    """An effect of a rule naming a location's own law, in words: its regime is triggered only when the work is
    delivered from that location (``there``), and the location's zero points only mark where the law applies
    (the location's own row says what it asks), so they are left out (None)."""
    cat = pb.catalogue
    if effect.kind == "location" and effect.points == 0 and effect.target in local.values():
        return None
    if effect.kind != "regime" or effect.target not in local:
        return _effect_words(effect, pb)
    regime = cat.regimes[effect.target].get("name", effect.target)
    where = req.in_text(cat.locations[local[effect.target]], local[effect.target])
    if there:
        return f"triggers {regime} (the work is delivered from {where})"
    return f"would bring in {regime} only if the work is delivered from {where}, which it is not"


def _words(pb: CompiledPlaybook, effects: Any, word: Any) -> tuple[str, ...]:
    """Each effect in words (``word``: one effect's, None to leave it out), with a risk the rule names for several
    locations said once, where the first stood: "risk if the work is delivered from India or the Philippines:
    Time-zone friction"."""
    places: dict[str, list[str]] = {}
    for e in effects:
        if e.kind == "risk" and e.target:
            places.setdefault(e.text, []).append(req.in_text(pb.catalogue.locations[e.target], e.target))
    out: list[str] = []
    for e in effects:
        if e.kind == "risk" and e.target:
            if where := list(dict.fromkeys(places.pop(e.text, ()))):  # a place named twice (two of its risks) once
                listed = where[0] if len(where) == 1 else f"{', '.join(where[:-1])} or {where[-1]}"
                out.append(f"risk if the work is delivered from {listed}: {e.text}")
        elif (words := word(e)) is not None:
            out.append(words)
    return tuple(out)


def _plan(pb: CompiledPlaybook, rule: Any, number: int = 0) -> _RulePlan:
    def contribution(e: Any) -> Contribution:
        return Contribution(rule.code, rule.name, e.points, e.text if e.kind == "location" else "")

    effects = rule.effects
    local = dict(_local_law(pb, rule))
    overlap_question = pb.roles.get("overlap_hours", "")

    def explained(there: bool) -> FiredRule:
        return FiredRule(
            code=rule.code,
            name=rule.name,
            rationale=rule.rationale,
            because=(),  # in the buyer's words against their answers, per evaluation (``_said_all``)
            effects=_words(pb, effects, lambda e: _local_words(pb, e, local, there) if local else _effect_words(e, pb)),
            fit_points=sum(e.points for e in effects if e.kind == "fit"),
        )

    asks = tuple(f"?{c.question}" if c.op in reasons.SAID_FROM_THE_RULE else c.question for c in rule.conditions)
    return _RulePlan(
        fired=explained(True),
        fit=tuple(contribution(e) for e in effects if e.kind == "fit"),
        models=tuple((e.target, contribution(e)) for e in effects if e.kind == "model"),
        locations=tuple((e.target, contribution(e)) for e in effects if e.kind == "location"),
        blockers=tuple(Blocker(rule.code, rule.name, e.text) for e in effects if e.kind == "blocker"),
        regimes=tuple(e.target for e in effects if e.kind == "regime"),
        risks=tuple(
            (e.target, e.model, Risk(e.text, e.severity, e.mitigation, rule.code)) for e in effects if e.kind == "risk"
        ),
        conditions=tuple(
            (e.model, VerdictCondition(e.text, rule.code, rule.name)) for e in effects if e.kind == "condition"
        ),
        gates=tuple(
            Gate(e.text, rule.code, rule.name, e.notice, e.evidence, e.own) for e in effects if e.kind == "gate"
        ),
        delivered_in=tuple(local.items()),
        elsewhere=explained(False) if local else None,
        enforces=rule.enforces,
        tests=tuple(rule.conditions),
        asks=asks,
        ask=operator.itemgetter(*asks) if asks else _no_parts,
        overlap=bool(overlap_question) and any(c.question == overlap_question for c in rule.conditions),
        regime_rule=any(
            pb.catalogue.regimes[e.target].get("vendor_requirement") not in TRANSFER_REQUIREMENTS
            for e in effects
            if e.kind == "regime"
        ),
        number=number,
    )


# Beside an overlap rule's points taken off a location that the shifted hours the buyer accepts bring to the overlap
# it needs: the rule's text states the plain day's overlap, which no longer counts against it. It begins as
# ``_on_shifted_day``'s words do, which then add nothing.
NO_POINTS_ON_SHIFTED_DAY = (
    "; on the shifted hours you accept, {hours:g} h, the overlap you need, so no points are taken off"
)


def _score_on_shifted_day(
    needs: req.Requirements,
    rules: set[str],
    overlap: Mapping[str, float | None],
    scores: dict[str, int],
    contribs: dict[str, list[Contribution]],
) -> None:
    """A buyer accepting shifted hours has overlap checked on the shifted day: a location the shift brings to the
    hours needed meets the requirement on the terms the buyer accepted, so an overlap rule's points off it for the
    plain day's overlap are not counted (they would count the overlap twice and outweigh a stated preference).
    The points a rule gives stand, and so does any risk it names (a shifted day's cost and attrition)."""
    need = needs.get("overlap")
    if need is None or not isinstance(need.value, int | float):
        return
    for code, found in contribs.items():
        hours = overlap.get(code)
        if hours is None or hours < need.value:
            continue
        for i, c in enumerate(found):
            if c.rule in rules and c.points < 0:
                scores[code] -= c.points
                said = NO_POINTS_ON_SHIFTED_DAY.format(hours=hours)
                found[i] = replace(c, points=0, text=c.text + said if c.text else c.text)


def _on_shifted_day(
    contributions: list[Contribution], rules: set[str], plain: float | None, shifted: float | None
) -> tuple[Contribution, ...]:
    """A location's contributions, an overlap rule's text completed with the overlap on the shifted hours the buyer
    accepts when that differs from the plain day's (``plain``) the text states: the table shows the shifted figure,
    and "India overlaps a 09:00-17:00 US Eastern day by 0 h" beside "2 h" would read as a contradiction."""
    if shifted is None or plain is None or shifted <= plain:
        return tuple(contributions)
    return _overlap_said(contributions, rules, f"; on the shifted hours you accept, {shifted:g} h")


# Whose shifted hours a location's texts speak of: the buyer's acceptance, or, where the buyer never answered and its
# own centre's staff are assumed to work them (``Requirements.shift_own_only``), theirs (review 178: "on the shifted
# hours you accept" beside a risk saying the buyer had not said whether a provider's staff may work them).
ACCEPTED_SHIFT = "the shifted hours you accept"
OWN_STAFF_SHIFT = "the shifted hours your centre's own staff would work"


def _whose_shift(needs: req.Requirements, contributions: Sequence[Contribution]) -> tuple[Contribution, ...]:
    if not needs.shift_own_only:
        return tuple(contributions)
    return tuple(
        replace(c, text=c.text.replace(ACCEPTED_SHIFT, OWN_STAFF_SHIFT)) if ACCEPTED_SHIFT in c.text else c
        for c in contributions
    )


def _overlap_said(contributions: list[Contribution], rules: set[str], more: str) -> tuple[Contribution, ...]:
    """The contributions with ``more`` added to each overlap rule's text (once)."""
    return tuple(
        replace(c, text=c.text + more) if c.rule in rules and c.text and more not in c.text else c
        for c in contributions
    )


# The days of a US team off Eastern time (``requirements.ZONE_CLOCKS``): the playbook's overlap rules for a US buyer
# state the catalogue's US Eastern figures, so each is completed with the overlap on the team's own day.
ZONE_DAYS = frozenset(req.ZONE_CLOCKS.values())


def _on_your_zone(
    contributions: list[Contribution],
    rules: set[str],
    needs: req.Requirements,
    location: Mapping[str, Any],
    yours: float | None,
) -> tuple[Contribution, ...]:
    """A location's contributions for a US team on Central, Mountain or Pacific time: an overlap rule's text, which
    states the US Eastern day's figure, completed with the overlap on the team's own day (and the shifted hours it
    accepts) where that differs, so "Poland overlaps a US Eastern day by 2 h" is not read as Seattle's 2 h."""
    eastern = location.get("overlap_us")
    if yours is None or eastern is None or float(eastern) == yours:
        return tuple(contributions)
    day = req.BUYER_DAYS[needs.market][1].split(" (")[0]
    shifted = " and the shifted hours you accept" if needs.shift else ""
    # Review 167: "with your US Pacific day, 8 h" beside the Eastern figure read as if both were the buyer's.
    return _overlap_said(
        contributions, rules, f"; your need is checked on your own day: with your {day} day{shifted}, {yours:g} h"
    )


def _elsewhere(plan: _RulePlan, delivered_from: str) -> FiredRule:
    """The rule as explained for work delivered from ``delivered_from``: a rule naming a location's own law
    triggers it only when that location is where the work is delivered from."""
    if plan.elsewhere is None or any(where == delivered_from for _, where in plan.delivered_in):
        return plan.fired
    return plan.elsewhere


# Fired rules and conditions said against answers, remembered per compiled playbook: this many entries of each,
# plus a few per rule, before the memo is emptied.
SAID_MEMO_SIZE = 20_000
SAID_MEMO_PER_RULE = 4


def _said_all(pb: CompiledPlaybook, plans: list[_RulePlan], delivered_from: str, seen: Visibility) -> list[FiredRule]:
    """The fired rules, each explained for where the work is delivered from (``_elsewhere``) and with its
    conditions said as the buyer's reasons: in plain words, against the answers they gave, those on questions they
    never saw or left unanswered left out (``reasons.because``).

    A rule's words depend only on the rule and, for each of its conditions, the answer to its question and whether
    that question was shown, so they are remembered per compiled playbook by those: a rule fires on many
    evaluations with the same few answers, and saying it afresh each time was most of the cost of a large
    playbook's ``evaluate()`` (docs/performance.md). An answer that cannot be part of a key is said afresh."""
    if not plans:
        return []
    shown = frozenset(seen.questions)
    answers = seen.answers
    index = rule_index(pb)
    # The "is there an answer" part's name for each question a rule's condition asks about (``_RulePlan.asks``).
    presence: dict[str, str] | None = index.memo.get("presence")
    if presence is None:
        codes = dict.fromkeys(c.question for rule, *_ in pb.rules for c in rule.conditions)
        presence = index.memo["presence"] = {f"?{q}": q for q in codes}
    memo: dict[Any, FiredRule] = index.memo.setdefault("said", {})
    # Each question's part of a key as a number, so a rule's key is a tuple of ints, quick to hash. The numbers
    # come from one counter, never reused, so threads sharing the playbook never give two parts the same number,
    # and a key made before the memo was emptied still means what it meant.
    parts: dict[Any, int] = index.memo.setdefault("said parts", {})
    numbers: Iterator[int] = index.memo.setdefault("said numbers", itertools.count())
    limit = SAID_MEMO_SIZE + SAID_MEMO_PER_RULE * len(pb.rules)
    if len(memo) >= limit or len(parts) >= limit:
        memo.clear()
        parts.clear()
    # On a miss, each condition's words by the condition and its question's part: a rule seldom meets the same
    # answers as a whole where its conditions each meet few (a playbook of thousands of rules).
    said: dict[tuple[int, int], str] = index.memo.setdefault("said conditions", {})  # "": says nothing
    if len(said) >= limit:
        said.clear()
    questions = pb.questions
    keys = _Parts(answers, shown, presence, parts, numbers)  # each question's part, worked out when a rule asks it
    out = []
    try:
        for plan in plans:
            fired = plan.fired if plan.elsewhere is None else _elsewhere(plan, delivered_from)
            # Its place in the playbook (negative when explained for delivery elsewhere) and its conditions' parts.
            key = (plan.number if fired is plan.fired else -1 - plan.number, plan.ask(keys))
            hit = memo.get(key)
            if hit is None:
                because = []
                for cond, part in zip(plan.tests, map(keys.__getitem__, plan.asks), strict=True):
                    words = said.get((id(cond), part))
                    if words is None:  # not said yet ("" is a condition that says nothing the buyer told us)
                        words = said[id(cond), part] = reasons.condition_said(questions, cond, answers, shown) or ""
                    if words:
                        because.append(words)
                hit = memo[key] = FiredRule(
                    fired.code, fired.name, fired.rationale, tuple(because), fired.effects, fired.fit_points
                )
            out.append(hit)
    except TypeError:  # unhashable inside an answer a fired rule reads (a dict in a list): said afresh, no memo
        return [
            replace(fired, because=reasons.because(pb.questions, plan.tests, answers, shown))
            for fired, plan in ((_elsewhere(plan, delivered_from), plan) for plan in plans)
        ]
    return out


class _Parts(dict[str, int]):
    """``_said_all``'s part of a key for each question a fired rule asks about, worked out on first asking (most
    evaluations of a large playbook fire rules on a few of its questions): the number of the question's answer and
    whether it was shown, or under the question's presence name ("?code") whether there is an answer and whether it
    was shown, as one of four numbers below the counter's. Raises TypeError for an answer that cannot be a key."""

    __slots__ = ("answers", "numbers", "parts", "presence", "shown")

    def __init__(
        self,
        answers: Mapping[str, Any],
        shown: frozenset[str],
        presence: Mapping[str, str],
        parts: dict[Any, int],
        numbers: Iterator[int],
    ) -> None:
        super().__init__()
        self.answers, self.shown, self.presence, self.parts, self.numbers = answers, shown, presence, parts, numbers

    def __missing__(self, asked: str) -> int:
        code = self.presence.get(asked)
        if code is not None:
            part = -1 - 2 * (self.answers.get(code) is None) - (code in self.shown)
        else:
            said_of = _answer_key(self.answers.get(asked), asked in self.shown)
            number = self.parts.get(said_of)
            part = self.parts.setdefault(said_of, next(self.numbers)) if number is None else number
        self[asked] = part
        return part


def _answer_key(answer: Any, shown: bool) -> tuple[Any, ...]:
    """An answer as part of ``_said_all``'s key: its type with its value (True and 1 are equal keys but read
    differently), a list as a tuple, and whether its question was shown."""
    value = tuple(answer) if isinstance(answer, list) else answer
    return (type(answer), value, shown)


def _fired_plans(pb: CompiledPlaybook, fired: tuple[int, ...]) -> list[_RulePlan]:
    """The plans of the ``fired`` rules, in rule order. A rule's explanation depends on the rule
    alone, so it is worked out the first time the rule fires and kept with the index."""
    if not fired:
        return []
    index = rule_index(pb)
    memo = index.memo
    if memo.get("planned", 0) < len(pb.rules):  # some rule has no plan yet: those that fire now get theirs
        # Under a lock, so that "planned" counts each plan once and is all of them only when each is there.
        with _PLANNING:
            if index.plans is None:
                index.plans = [None] * len(pb.rules)
            for i in fired:
                if index.plans[i] is None:
                    index.plans[i] = _plan(pb, pb.rules[i][0], i)
                    memo["planned"] = memo.get("planned", 0) + 1
    assert index.plans is not None
    return list(map(index.plans.__getitem__, fired))


_PLANNING = threading.Lock()


# The cost of an evaluation asked for without one (``evaluate(..., priced=False)``).
NOT_PRICED = CostEstimate(available=False, reason="The cost was not worked out for this check.")


def evaluate(pb: CompiledPlaybook, answers: Mapping[str, Any], *, priced: bool = True, at: str = "") -> Evaluation:
    """The scored, explained result of ``answers``. ``priced=False`` leaves the cost out (``NOT_PRICED``): for
    checks of the verdict, fit, models and regimes alone, which the cost, worked out last, never changes (on the
    reference playbook's golden cases it is about a third of the call's time). ``at``: a location to deliver from
    in place of the first ranked, whether or not it meets every requirement (a shortlisted provider's, whose
    checklist then reads the regimes and obligations of delivery from there); ignored for a location the catalogue
    does not hold or has retired."""
    seen = visibility(pb, answers)
    effective = seen.answers
    # The rules that fire from the single call's walk (a memo hit per choice answer), not a second pass
    # over every question's masks.
    scored = tally(pb, effective, fired=rules_fired(pb, effective))
    cat = pb.catalogue

    fit_contribs: list[Contribution] = []
    blockers: list[Blocker] = []
    model_contribs: dict[str, list[Contribution]] = {code: [] for code in scored.model_scores}
    location_scores = {code: 0 for code, loc in cat.locations.items() if not loc.get("retired")}
    location_contribs: dict[str, list[Contribution]] = {code: [] for code in location_scores}
    regime_because: dict[str, list[str]] = {}
    # Regimes triggered only by delivery from a location: regime -> [(location, rule name)].
    local_because: dict[str, list[tuple[str, str]]] = {}
    fired_risks: list[tuple[tuple[str, str, Risk], ...]] = []  # each fired rule's (location, model, risk), in order
    fired_conditions: list[tuple[tuple[str, VerdictCondition], ...]] = []  # each fired rule's (model, condition)
    conditions: dict[str, VerdictCondition] = {}  # by text: two rules asking the same thing ask it once
    gates: dict[str, Gate] = {}  # by text, likewise
    # Rules that trigger a regime other than a personal-data transfer rule (the transfer tool is said apart):
    # their location texts say what that regime asks of delivery from there (an export authorisation...).
    regime_rules: set[str] = set()
    # The locations such a rule marks down: delivery from there needs what the regime asks first (an export
    # authorisation), which on equal points ranks them after a location needing nothing, as a transfer tool does.
    regime_marked: set[str] = set()

    ruled_out: dict[str, int] = {}  # model -> the points requirement rules took off it
    shown: list[_RulePlan] = []  # the fired rules explained, once where the work is delivered from is known
    overlap_rules: set[str] = set()  # the fired rules testing the overlap the buyer needs
    # Once per fired rule, so each part is skipped where the rule has none (most rules have one or two effects).
    for plan in _fired_plans(pb, scored.fired):
        if plan.enforces:
            for target, contribution in plan.models:
                ruled_out[target] = ruled_out.get(target, 0) + contribution.points
            continue
        shown.append(plan)
        if plan.overlap:
            overlap_rules.add(plan.fired.code)
        if plan.fit:
            fit_contribs.extend(plan.fit)
        for target, contribution in plan.models:
            if target in model_contribs:
                model_contribs[target].append(contribution)
        for target, contribution in plan.locations:
            if target in location_scores:
                location_scores[target] += contribution.points
                location_contribs[target].append(contribution)
        if plan.blockers:
            blockers.extend(plan.blockers)
        if plan.regimes:
            if plan.regime_rule:
                regime_rules.add(plan.fired.code)
                regime_marked.update(target for target, contribution in plan.locations if contribution.points < 0)
            local = dict(plan.delivered_in) if plan.delivered_in else {}
            for target in plan.regimes:
                if target in local:
                    local_because.setdefault(target, []).append((local[target], plan.fired.name))
                else:
                    regime_because.setdefault(target, []).append(plan.fired.name)
        if plan.risks:  # a rule without risks words none (``_worded_for``)
            fired_risks.append(plan.risks)
        if plan.conditions:
            fired_conditions.append(plan.conditions)
        for gate in plan.gates:
            gates.setdefault(gate.text, gate)

    def role(name: str) -> Any:
        code = pb.roles.get(name)
        return effective.get(code) if code else None

    locations = {code: cat.locations[code] for code in location_scores}
    roles = {name: role(name) for name in REQUIREMENT_ROLES}
    region = pb.questions.get(pb.roles.get("preferred_region", ""))
    labels = {o.code: o.label for o in region.options} if region is not None and roles["preferred_region"] else None
    needs = req.derive(roles, {code: cat.regimes[code] for code in regime_because}, labels=labels)
    share = cat.functions.get(str(role("function") or ""), {}).get("located_share")
    if share is not None:
        needs = replace(needs, rate_share=float(share))  # a catalogue read from its file holds it as text
    ranked_models, model_broke = _ranked_models(pb, scored, needs, ruled_out, model_contribs)
    # The models the answers favour that the start date alone rules out, and whether the work goes on long enough for
    # a stop-gap to hand over to one: the trade-off says it, and the cost then prices the first beside the stop-gap.
    late, goes_on = (
        _late(pb, needs, ranked_models, model_broke),
        _goes_on(role("horizon"), role("duration_weeks"), role("demand_pattern")),
    )
    run: BridgeCost | None = None
    later_cost: CostEstimate | None = None  # the model a later start frees, priced, when no model is usable
    broken: dict[str, list[str]] = {}
    breaches = req.location_breaches(needs, locations)
    for breach in breaches:
        broken.setdefault(breach.target, []).append(breach.reason)
    # On equal points, the buyer's own country (the onshore option: nothing crosses a border) comes first; then a
    # location the personal data can go to without a transfer tool (inside the EEA, or adequate) before one needing
    # SCCs and a transfer impact assessment, when a triggered regime asks it.
    transfers = frozenset(
        need
        for code in regime_because
        if (need := cat.regimes[code].get("vendor_requirement")) in TRANSFER_REQUIREMENTS
    )
    overlap = {c: req.overlap_at(needs, locations[c]) for c in locations}
    # The overlap on a plain 09:00-17:00 day, which the rules' location texts state, when the buyer accepts shifted
    # hours (the table then shows the shifted figure).
    plain_day = replace(needs, shift=0.0) if needs.shift else None
    plain = {c: req.overlap_at(plain_day, locations[c]) if plain_day else None for c in locations}
    if plain_day is not None and overlap_rules:
        _score_on_shifted_day(needs, overlap_rules, overlap, location_scores, location_contribs)
    # The day each location's staff would work on the shifted hours the buyer accepts: worked out once, for the
    # overnight points and the row that names it.
    days = {c: req.accepted_day(needs, locations[c]) for c in locations} if needs.shift else {}
    if plain_day is not None and (overnight := _overnight_rules(pb)):
        _overnight_on_shifted_day(days, overnight, plain, location_scores, location_contribs)
    # A location whose day meets the buyer's only across the date line gives the overlap needed on 4 of the
    # buyer's 5 working days: it ranks below every location giving it each day.
    date_line = {c: req.across_date_line(needs, locations[c], overlap[c]) for c in locations}
    need = needs.get("overlap")
    short_a_day = (
        frozenset(c for c, yes in date_line.items() if yes) if need is not None and need.value else frozenset()
    )
    # Overlap beyond the hours the buyer needs decides nothing before the preferred region and the cost: a location
    # giving 7 h where 4 h are needed is not worth paying more for (review 99: a UK buyer's Poland, 61% dearer than
    # in-house, ranked before India at about break-even, both giving the hours needed).
    needed = float(need.value) if need is not None and isinstance(need.value, int | float) and need.value > 0 else None

    def enough(hours: float | None) -> float:
        return min(hours or 0.0, needed) if needed else (hours or 0.0)

    # A language the team must work in ranks the locations whose teams work in it before every other, whatever their
    # points (reviews 157 and 159: a Québec desk needing French went to India first, on overnight and talent points).
    language, speaks = _work_language(pb, role("work_language"), location_contribs)
    order = sorted(
        location_scores,
        key=lambda c: (
            c in broken,
            not req.centre_here(needs, c, locations[c]),  # the buyer's own centre is where its entity is
            bool(speaks) and c not in speaks,
            c in short_a_day,
            -location_scores[c],
            c != needs.home,
            needs_transfer_tool(cat.locations[c], transfers),
            c in regime_marked,
            -enough(overlap[c]),
            -enough(plain[c]),  # equal on the shifted day: more overlap on a plain one needs no shift to get it
            not req.preferred_here(needs, c, locations[c]),  # then the region the buyer said it prefers, before cost
            location_index(cat.locations[c]),
            c,
        ),
    )
    feasible = [c for c in order if c not in broken]  # the locations meeting every requirement, ranked
    delivered_from = feasible[0] if feasible else ""
    candidates = tuple(feasible) if needs.get("overlap_unchecked") else ()
    if at and at in location_scores:
        delivered_from, candidates = at, ()
    # Regimes of the delivery location's own law, once where the work is delivered from is known; a rule naming
    # one says it triggers it only when the work is delivered from there.
    for code, pairs in local_because.items():
        names = [name for where, name in pairs if where == delivered_from]
        if names:
            regime_because.setdefault(code, []).extend(names)
    fired = _said_all(pb, shown, delivered_from, seen)
    if plain_day is not None:  # only the shifted day changes a location's points from its rule's
        fired = _counted_as(fired, pb, location_contribs)
    where = candidates or ((delivered_from,) if delivered_from else ())  # where the work is delivered from
    recommended = ranked_models[0].code if ranked_models and not ranked_models[0].excluded_because else ""
    risks = _risks_here([risk for rule in fired_risks for risk in _worded_for(rule, recommended)], where)
    own_titles = {risk.title for rule in fired_risks for _, model, risk in rule if model and model == recommended}
    top_model_high_risks = tuple(r.title for r in risks if r.title in own_titles and r.severity == "high")
    for rule_conditions in fired_conditions:
        for item in _asked_for(rule_conditions, recommended):
            conditions.setdefault(item.text, item)
    ranked_locations = tuple(
        RankedLocation(
            code=code,
            name=str(cat.locations[code].get("name", code)),
            score=location_scores[code],
            overlap_us=cat.locations[code].get("overlap_us"),
            overlap_uk=cat.locations[code].get("overlap_uk"),
            gdpr_transfer=str(cat.locations[code].get("gdpr_transfer", "")),
            contributions=_whose_shift(
                needs,
                _on_your_zone(location_contribs[code], overlap_rules, needs, cat.locations[code], overlap[code])
                if needs.market in ZONE_DAYS
                else _on_shifted_day(location_contribs[code], overlap_rules, plain[code], overlap[code]),
            ),
            excluded_because=tuple(broken.get(code, ())),
            overlap_yours=overlap[code] if needs.market in req.BUYER_DAYS or needs.shift else None,
            home=code == needs.home,
            preferred=req.preferred_here(needs, code, cat.locations[code]),
            shifted_day=day.hours if (day := days.get(code)) else "",
            # What that day gives, where it is less than the most the accepted shift gives (the figure shown), or varies
            # over the year.
            shifted_gives=(gives := _day_gives(needs, cat.locations[code], day, overlap[code])),
            moved_furthest=bool(gives) and day is not None and day.moved >= needs.shift,
            across_date_line=date_line[code],
            lacks_language=language if speaks and code not in speaks else "",
            plain_overlap=_plain_overlap(needs, days.get(code), plain[code], overlap[code]),
            work_rate=req.work_rate(cat.locations[code].get("cost_index"), needs.rate_share),
        )
        for code in order
    )
    # Data that may not leave the buyer's country, which no location in the catalogue is in: the work can only be done
    # onshore, so no obligation for delivery from named locations abroad (a transfer tool) holds.
    onshore = (ONSHORE,) if not where and req.onshore_only(needs) else ()
    regimes = []
    for code, because in regime_because.items():
        entry = cat.regimes[code]
        regimes.append(
            TriggeredRegime(
                code=code,
                name=str(entry.get("name", code)),
                kind=str(entry.get("kind", "")),
                jurisdiction=str(entry.get("jurisdiction", "")),
                summary=str(entry.get("summary", "")),
                because=tuple(because),
                obligations=_by_phase(pb, code, where or onshore),
                sources=tuple(entry.get("sources", [])),
                confidence=str(entry.get("confidence", "")),
                effective_date=str(entry.get("effective_date") or ""),
                last_reviewed=str(entry.get("last_reviewed") or ""),
                confidence_note=str(entry.get("confidence_note") or ""),
                next_change_date=str(entry.get("next_change_date") or ""),
            )
        )
    # Delivered from abroad while the buyer's own country meets every requirement too: compare a provider at home.
    if needs.home in feasible and delivered_from != needs.home and scored.verdict != "doesnt_win":
        risks.append(home_market_risk(cat.locations[needs.home], cat.locations[delivered_from]))
    if scored.verdict != "doesnt_win" and (risk := notice_before_start_risk(role("start_within"), gates.values())):
        # A rule may give the same risk with its regulator's own citations: one risk, the rule's, naming the notices.
        same = next((i for i, r in enumerate(risks) if r.title == risk.title), None)
        if same is None:
            risks.append(risk)
        else:
            ruled = risks[same]
            which = "; ".join(dict.fromkeys(g.text for g in gates.values() if g.notice))
            risks[same] = replace(ruled, mitigation=f"{ruled.mitigation} Still to be given: {which}.")
    if scored.verdict != "doesnt_win" and (risk := approval_before_start_risk(role("start_within"), gates.values())):
        risks.append(risk)
    if scored.verdict != "doesnt_win" and (risk := waves_risk(_launch_scale(pb), needs.team)):
        risks.append(risk)
    if scored.verdict != "doesnt_win" and delivered_from and recommended and needs.shift_own_only:
        model = cat.models.get(recommended, {})
        need = needs.get("overlap")
        # The first location meeting every requirement that gives the overlap on its own day (review 182: South
        # Africa, tied on points with 6.5 h, went unnamed beside India's shift).
        own_day = next(
            (
                c
                for c in feasible
                if need is not None
                and isinstance(need.value, int | float)
                and plain.get(c) is not None
                and float(plain[c] or 0) >= need.value
            ),
            None,
        )
        alternative = (
            (
                cat.locations[own_day],
                float(plain[own_day] or 0),
                location_scores[own_day],
                location_scores[delivered_from],
            )
            if own_day
            else None
        )
        if risk := provider_on_own_shift_risk(
            needs, cat.locations[delivered_from], model, plain[delivered_from], alternative
        ):
            risks.append(risk)
    risks.sort(key=lambda r: SEVERITY_ORDER.get(r.severity, 3))

    if order and not delivered_from:
        # Every catalogue location breaks a requirement: the work has nowhere to go as the answers stand, so a
        # verdict for KPO holds only once a trade-off is settled; and a saving priced at a benchmark location the
        # ranking has just excluded would mislead, so the cost says why there is none (the trade-offs name the way out).
        if scored.verdict != "doesnt_win":
            conditions.setdefault(NOWHERE_TO_DELIVER.text, NOWHERE_TO_DELIVER)
        cost = CostEstimate(
            available=False,
            function=str(role("function") or ""),
            reason=ONSHORE_ONLY_COST if req.onshore_only(needs) else NOWHERE_COST,
            home_market=str(role("home_market") or "us"),
        )
        if priced and ranked_models and req.onshore_only(needs):
            cost = _inhouse_alone(cost, _cost(pb, [ranked_models[0].code], role, seen.questions, ""))
    elif not priced:
        cost = NOT_PRICED
    else:
        eligible = [m for m in ranked_models if not m.excluded_because]
        if not eligible and scored.verdict != "doesnt_win":
            conditions.setdefault(NO_MODEL_FITS.text, NO_MODEL_FITS)
        usable = eligible[:3]
        costed = [m.code for i, m in enumerate(usable) if i == 0 or not advised_against(m)]
        costed += _priced_by_the_quote(pb, eligible[3:], costed, role)
        # The model the answers favour, ruled out by the start date alone, is costed beside the one that can start
        # (its own launch counted as its cost counts it), so the trade-off between the date and the model has both
        # figures, for work that goes on for years, where a bridge would hand over to it (reviews 115 and 118: the
        # stop-gap was priced over the whole horizon and the favoured one not at all).
        if goes_on:
            costed += [m.model.code for m in late[:1] if m.model.code not in costed]
        entity_role = _entity_at(role, needs, delivered_from, locations)
        # With no model usable, the one a later start frees is priced from its own launch: the cost section shows it,
        # marked as ruled out by the date, and the trade-off's option names its figures (review 159: "KPO wins, on
        # conditions" beside "Likely cost: not estimated", though the way out was a start a few months later).
        later = _start_later_model(needs, ranked_models, model_broke) if not eligible else None
        if later is not None:
            later_cost = _cost(pb, [later.code], entity_role, seen.questions, delivered_from)
        if eligible:
            cost = _cost(pb, costed, entity_role, seen.questions, delivered_from)
        elif (
            later is not None and later_cost is not None and (later_cost.available or _fees_of(later_cost, later.code))
        ):
            # A buyer with no in-house benchmark has the provider fees of that model instead (review 164).
            cost = later_cost
        else:
            cost = CostEstimate(
                available=False,
                function=str(role("function") or ""),
                reason=NO_MODEL_COST,
                home_market=str(role("home_market") or "us"),
            )
        if goes_on and late and cost.available and pb.catalogue.cost_assumptions:
            # The stop-gap run until the favoured model has launched, for the bridge option's plan (``_bridge_plan``).
            run = _bridge_run(pb, late[0], entity_role, delivered_from)
        against = tuple((m.name, _against_words(m)) for m in usable[1:] if advised_against(m))
        if against:
            cost = replace(cost, skipped=(*cost.skipped, *against))
        cheaper = None
        if scored.verdict != "doesnt_win" and ranked_models:
            top_code = ranked_models[0].code
            cheaper = _cheaper_location(pb, cost, top_code, role, needs, feasible, location_scores, transfers)
        top_cost = next((m for m in cost.models if ranked_models and m.model == ranked_models[0].code), None)
        if scored.verdict != "doesnt_win" and top_cost is not None and likely_dearer(top_cost):
            dearer = dearer_condition(top_cost.savings_percent, top_cost.probability_saving)
            planned = _bridge_plan(late[0], cost, run)[1] if late and run is not None else None
            if planned is not None and ranked_models[0].code == late[0].best.code:
                # Review 136: asked for a reason other than cost beside a bridge plan likely cheaper than in-house;
                # review 138: its label then read "in-house is likely cheaper", and "the plan the trade-offs cost";
                # review 141: a plan dearer still was left out.
                gap = cost.amount(abs(planned[1]))
                dearer = replace(
                    dearer,
                    text=f"{dearer.text}, priced for the whole period as if it stayed. As a bridge to "
                    f"{late[0].model.name}, the plan the start-date trade-off sets out likely costs about {gap} "
                    f"{'less' if planned[1] >= 0 else 'more'} than in-house over {cost.period}: settle which you "
                    "budget",
                    name="the model that can start now is likely dearer than in-house on its own",
                )
            conditions.setdefault(dearer.text, dearer)
        if cheaper is not None:
            asks = tuple(
                c.text
                for c in location_contribs[cheaper.location]
                if c.rule in regime_rules and c.points <= 0 and c.text
            )
            cost = replace(cost, cheaper_location=replace(cheaper, needs=asks))
    return Evaluation(
        playbook_id=pb.id,
        playbook_version=pb.version,
        visible=seen.questions,
        visible_sections=seen.sections,
        answers=effective,
        missing_required=seen.missing,
        fit_score=scored.fit_score,
        unblocked_score=scored.unblocked_score,
        verdict=scored.verdict,
        blockers=tuple(blockers),
        fired=tuple(fired),
        fit_contributions=tuple(fit_contribs),
        models=ranked_models,
        regimes=tuple(regimes),
        risks=tuple(risks),
        locations=ranked_locations,
        cost=cost,
        buyer_location=str(role("buyer_location") or ""),
        requirements=needs.hard,
        preferences=needs.preferences,
        conflicts=(
            *_too_late(late, costed=goes_on, cost=cost, blocked=bool(blockers), run=run),
            *(() if blockers else _none_can_start(pb, needs, ranked_models, model_broke, later_cost)),
            *_language_said(
                req.conflicts(needs, locations, order, _overnight_locations(pb, location_contribs), breaches),
                needs,
                locations,
                language,
                speaks,
            ),
        ),
        delivered_from=delivered_from,
        conditions=tuple(conditions.values()),
        delivery_candidates=candidates,
        gates=tuple(gates.values()),
        shifted_hours=needs.shift,
        shift_own_only=needs.shift_own_only,
        tied_models=_tied(ranked_models),
        top_model_high_risks=top_model_high_risks,
    )


def _rules_asking(pb: CompiledPlaybook, role: str) -> frozenset[str]:
    """The rules testing the question with ``role`` (overnight turnaround, the work's language), worked out once per
    compiled playbook."""
    memo = rule_index(pb).memo.setdefault("rules_asking", {})
    rules: frozenset[str] | None = memo.get(role)
    if rules is None:
        asked = pb.roles.get(role)
        rules = memo[role] = frozenset(
            rule.code for rule, _ in pb.rules if asked and any(c.question == asked for c in rule.conditions)
        )
    return rules


def _overnight_rules(pb: CompiledPlaybook) -> frozenset[str]:
    """The rules testing the overnight-turnaround question."""
    return _rules_asking(pb, "overnight_turnaround")


# Beside an overnight-turnaround rule's points for a location whose day the buyer's accepted shifted hours move
# towards its own: the hours of the location's day left after the buyer's ends, which are what turns work around
# overnight, and the share of the rule's points they earn.
OVERNIGHT_ON_SHIFTED_DAY = (
    "; on the shifted hours you accept (working {day} there), {after:g} h of its day falls outside yours, "
    "against {before:g} h on its usual day, so {points:+d} of the rule's {full:+d}"
)


def _overnight_on_shifted_day(
    days: Mapping[str, req.ShiftedDay | None],
    rules: frozenset[str],
    plain: Mapping[str, float | None],
    scores: dict[str, int],
    contribs: dict[str, list[Contribution]],
) -> None:
    """Overnight turnaround and live overlap pull against each other: a location credited for working while the
    buyer sleeps, whose day the shifted hours the buyer accepts move towards the buyer's, works fewer of its hours
    after the buyer's day ends. Its overnight points are scaled by those hours against its usual day's (the day
    the location's row names, ``requirements.accepted_day``), so a shifted team is not credited in full both for
    its overlap and for the night it no longer works."""
    for code, found in contribs.items():
        usual = plain.get(code)
        if usual is None or usual >= req.WORKING_DAY_HOURS or not any(c.rule in rules and c.points > 0 for c in found):
            continue
        day = days.get(code)
        if day is None or day.overlap <= usual:
            continue
        before = req.WORKING_DAY_HOURS - usual
        after = max(0.0, req.WORKING_DAY_HOURS - day.overlap)
        for i, c in enumerate(found):
            if c.rule in rules and c.points > 0:
                points = round(c.points * after / before)
                scores[code] += points - c.points
                said = OVERNIGHT_ON_SHIFTED_DAY.format(
                    day=day.hours, after=after, before=before, points=points, full=c.points
                )
                found[i] = replace(c, points=points, text=c.text + said if c.text else c.text)


def _favoured_by(pb: CompiledPlaybook, role: str, contribs: Mapping[str, list[Contribution]]) -> frozenset[str]:
    """The locations a fired rule testing the question with ``role`` gave points to."""
    rules = _rules_asking(pb, role)
    if not rules:
        return frozenset()
    return frozenset(code for code, given in contribs.items() if any(c.rule in rules and c.points > 0 for c in given))


def _overnight_locations(pb: CompiledPlaybook, contribs: Mapping[str, list[Contribution]]) -> frozenset[str]:
    """The locations a fired rule testing the overnight-turnaround question gave points to."""
    return _favoured_by(pb, "overnight_turnaround", contribs)


def _work_language(
    pb: CompiledPlaybook, answer: Any, contribs: Mapping[str, list[Contribution]]
) -> tuple[str, frozenset[str]]:
    """The language the team must work in, as its option reads ("French"), and the locations whose teams work in it:
    those a fired rule testing the question with the ``work_language`` role gave points to. ("", none) when no rule
    ranks a location on the answer ("English only", "Another language")."""
    speaks = _favoured_by(pb, "work_language", contribs)
    question = pb.questions.get(pb.roles.get("work_language", ""))
    if not speaks or question is None:
        return "", frozenset()
    label = next((o.label for o in question.options if o.code == answer), str(answer))
    return label, speaks


def _worded_for(risks: tuple[tuple[str, str, Risk], ...], recommended: str) -> list[tuple[str, Risk]]:
    """One fired rule's (location, risk) as worded for the ``recommended`` model: a risk naming a model holds only
    when that model is recommended, and then stands in for the rule's risk of the same title naming none, so a
    mitigation never advises buying the model the result already recommends."""
    reworded = {risk.title for _, model, risk in risks if model and model == recommended}
    return [
        (location, risk)
        for location, model, risk in risks
        if (model == recommended if model else risk.title not in reworded)
    ]


def _launch_scale(pb: CompiledPlaybook) -> req.LaunchScale | None:
    """The frozen cost assumptions' launch scale, read once per compiled playbook (each evaluation ranks by it)."""
    memo = rule_index(pb).memo
    if "launch_scale" not in memo:
        memo["launch_scale"] = req.LaunchScale.of(pb.catalogue.cost_assumptions)
    scale: req.LaunchScale | None = memo["launch_scale"]
    return scale


def _ranked_models(
    pb: CompiledPlaybook,
    scored: Tally,
    needs: req.Requirements,
    ruled_out: Mapping[str, int],
    contributions: Mapping[str, list[Contribution]],
) -> tuple[tuple[RankedModel, ...], dict[str, set[str]]]:
    """The models ranked, each with the requirements it breaks and why, and by model the requirements it breaks."""
    cat = pb.catalogue
    model_broken: dict[str, list[str]] = {}
    model_broke: dict[str, set[str]] = {}  # model -> the requirements it breaks
    scale = _launch_scale(pb)
    for breach in req.model_breaches(needs, {code: cat.models[code] for code in scored.models}, scale):
        model_broken.setdefault(breach.target, []).append(breach.reason)
        model_broke.setdefault(breach.target, set()).add(breach.requirement)
    # The tally already ranks the models an answer's requirement rules out last (their requirement rule);
    # the stable sort also puts last one breaking a requirement a regime set, which no answer rule carries.
    ranked = tuple(
        sorted(
            (
                RankedModel(
                    code,
                    str(cat.models[code].get("name", code)),
                    scored.model_scores[code] - ruled_out.get(code, 0),
                    tuple(contributions.get(code, ())),
                    tuple(model_broken.get(code, ())),
                )
                for code in scored.models
            ),
            key=lambda m: bool(m.excluded_because),
        )
    )
    return ranked, model_broke


@dataclass(frozen=True)
class _Late:
    """A model the answers favour over the best one that can start, ruled out by the start date alone."""

    model: RankedModel
    best: RankedModel
    launch: float  # its launch time in months (the catalogue's ``ramp_up_months``)
    months: str  # the start date asked for, in words: "3 months"
    best_launch: float = 0.0  # the best model that can start's own launch time, when the catalogue gives one


def _late(pb: CompiledPlaybook, needs: req.Requirements, ranked: tuple[RankedModel, ...], broke: Any) -> list[_Late]:
    start = needs.get("start_within")
    usable = [m for m in ranked if not m.excluded_because]
    if start is None or not usable:
        return []
    within = float(start.value)
    months = f"{within:g} month{'' if within == 1 else 's'}"
    # Broken on the start date alone, so its launch time is a number (``requirements.model_breaches``), for a team of
    # the size answered (``requirements.launch_months``).
    best = usable[0]
    scale = _launch_scale(pb)
    best_launch = req.launch_months(pb.catalogue.models.get(best.code, {}), needs.team, scale)
    return [
        _Late(
            m,
            best,
            float(req.launch_months(pb.catalogue.models[m.code], needs.team, scale) or 0.0),
            months,
            best_launch or 0.0,
        )
        for m in ranked
        if broke.get(m.code) == {"start_within"} and m.score > best.score
    ]


def _language_said(
    conflicts: Iterable[req.Conflict],
    needs: req.Requirements,
    locations: Mapping[str, Mapping[str, Any]],
    language: str,
    speaks: frozenset[str],
) -> tuple[req.Conflict, ...]:
    """The trade-offs, where a preferred region's way out would still leave it below the locations working in the
    language the team must work in: each option that frees the region says so (review 162: "Deliver from the
    Philippines on a working day moved 2 h later" was offered to a buyer needing German, and changed nothing)."""
    region = needs.preference("preferred_region")
    if not speaks or region is None:
        return tuple(conflicts)
    wanted = [c for c, loc in locations.items() if req.preferred_here(needs, c, loc)]
    if not wanted or any(c in speaks for c in wanted):
        return tuple(conflicts)
    said = (
        f"; teams there do not commonly work in {language}, the language you said the team must work in, so it would "
        "still rank after every location whose teams do"
    )
    out = []
    for conflict in conflicts:
        if conflict.code.startswith("preferred_region:"):
            # The first option keeps the requirement; the others give it up to have the region.
            kept, *freeing = conflict.options
            conflict = replace(conflict, options=(kept, *(replace(o, costs=o.costs + said) for o in freeing)))
        out.append(conflict)
    return tuple(out)


def _goes_on(horizon: Any, weeks: Any, demand: Any) -> bool:
    """Work that goes on for two years or more (not a piece of work done once, with or without its length): long
    enough for a stop-gap to hand over to the model the answers favour."""
    if weeks or demand == req.ONE_OFF:
        return False
    return isinstance(horizon, int | float) and not isinstance(horizon, bool) and horizon >= 2


def _bridge(late: _Late) -> str:
    """How long the bridge runs: from when the best model that can start is running (its own launch time) to when
    the favoured one is ready (review 121: the favoured model's whole launch time was given as the bridge's)."""
    span = late.launch - late.best_launch
    if span <= 0:
        return "as a bridge until it is ready"
    return f"as a bridge of about {span:g} month{'' if span == 1 else 's'}, until it is ready"


def _favoured(late: _Late) -> str:
    m, best = late.model, late.best
    # A model with no points in its favour is ranked above, not favoured (review 127: "Your answers favour Staff
    # augmentation (-5 points, …)").
    favour = f"Your answers favour {m.name}" if m.score > 0 else f"Your answers rank {m.name} above {best.name}"
    return (
        f"{favour} ({m.score} points, against {best.score} for {best.name}), but it takes about "
        f"{late.launch:g} months to launch and you want the work to start within {late.months}."
    )


def start_date_checks(pb: CompiledPlaybook, seen: Visibility) -> tuple[AnswerCheck, ...]:
    """The start-date trade-off as an answer check for the review page, before the buyer submits: from the walk the
    page has made already, the same tally, requirement rules and model breaches as ``evaluate``, nothing explained."""
    answers = seen.answers
    scored = tally(pb, answers, fired=rules_fired(pb, answers))
    ruled_out: dict[str, int] = {}
    for plan in _fired_plans(pb, scored.fired):
        for target, contribution in plan.models if plan.enforces else ():
            ruled_out[target] = ruled_out.get(target, 0) + contribution.points
    needs = req.derive({name: answers.get(pb.roles.get(name, "")) for name in REQUIREMENT_ROLES}, {})
    ranked, broke = _ranked_models(pb, scored, needs, ruled_out, {})
    none = tuple(
        # Review 152: sixty people to start within a month left no model, and the review page said nothing of it.
        AnswerCheck(
            f"{conflict.text} As answered, no engagement model can be used: answer a later start"
            f"{' or a smaller team' if conflict.between[1] == 'team_size' else ''} to have one.",
            # Each answer the sentence names, linked (review 161: "a smaller team" had no link to the people).
            ("start_within", "team_size") if conflict.between[1] == "team_size" else ("start_within",),
        )
        for conflict in (() if scored.blockers else _none_can_start(pb, needs, ranked, broke))
    )
    return none + tuple(
        AnswerCheck(
            f"{_favoured(late)} As answered, it is ruled out and {late.best.name} comes first: answer a later "
            f"start to have {late.model.name}, or keep the date and take {late.best.name}.",
            ("start_within",),
        )
        for late in _late(pb, needs, ranked, broke)
    )


# Said beside a start-date trade-off when something blocks KPO whatever the date (``_too_late``).
SETTLE_BLOCKERS_FIRST = "Whichever you choose, no model starts while what blocks the verdict applies."

# How the bridge option's costs open when they give the plan as one figure (``_bridge_plan``); the headline's sentence
# on a stop-gap's saving looks for it (``cost_caveat.bridge_text``).
ONE_PLAN = "as one plan, about"


def _bridge_plan(late: _Late, cost: CostEstimate, run: BridgeCost | None) -> tuple[str, tuple[float, float] | None]:
    """The plan the bridge option proposes, as one rough figure (reviews 115, 118, 124 and 126: a CFO had the stop-gap
    priced over the whole period and the favoured model from its own launch, never the two together), for a favoured
    model whose cost keeps the work in-house until it has launched (an own centre, BOT, a managed service: its parallel
    running line): that model's likely cost, plus the stop-gap run month by month until then, its one-time costs
    included but severance (in both models' costs) and its exit at that month's fee, less the favoured model's
    in-house months, which the stop-gap replaces (``run``, ``simulate.bridge_cost``; review 133: the stop-gap's
    months had been its average year's, later years' wage inflation included). Likely figures added, not simulated
    together, so said to be about; with the plan's likely total and saving against in-house, for the headline and the
    cost CSV. ("", None) when the two were not both costed, or the favoured model's cost does not keep the work
    in-house until launch."""
    by = {m.model: m for m in cost.models}
    stop, favoured = by.get(late.best.code), by.get(late.model.code)
    if not cost.available or run is None or stop is None or favoured is None or favoured.horizon is None:
        return "", None
    if cost.inhouse_horizon is None or not any(
        line.label == PARALLEL and "stays in-house until" in line.formula for line in favoured.lines
    ):
        return "", None
    extra = run.extra
    plan = favoured.horizon[1] + extra
    saving = cost.inhouse_horizon[1] - plan
    amount = cost.amount

    against = (
        f"about {amount(saving)} less than in-house" if saving >= 0 else f"about {amount(-saving)} more than in-house"
    )
    text = (
        f"{ONE_PLAN} {amount(plan)} over {cost.period}, {against}: {possessive(favoured.name)} likely "
        f"{amount(favoured.horizon[1])}, with the work in-house until it has launched, and {stop.name} from its own "
        f"start until then (about {math.floor(run.months + 0.5)} months, its own launch included) with its one-time "
        "costs and its exit then, in place of those in-house months: about "
        f"{amount(abs(extra))} {'more' if extra >= 0 else 'less'}; likely figures added, not simulated together"
    )
    return text, (plan, saving)


def _too_late(
    late_models: list[_Late],
    *,
    costed: bool = False,
    cost: CostEstimate | None = None,
    blocked: bool = False,
    run: BridgeCost | None = None,
) -> tuple[req.Conflict, ...]:
    """The model the answers favour most, ruled out only because it cannot launch by the start date asked for (a
    centre of the buyer's own takes about a year), as a trade-off to decide beside the verdict: start later, keep
    the date with the best model that can start, or start with that one and move the work when the other is ready.
    None when the model recommended is also the one the answers favour. ``late_models``: ``_late``'s, worked out once
    per evaluation; ``costed``: the favoured model is costed beside the one that can start (work that goes on for
    years), which the bridge option says; ``blocked``: something blocks KPO whichever the date, so nothing starts
    now (review 130: a blocked verdict offered to start a stop-gap now)."""

    def bridge_option(late: _Late, first: bool) -> req.Option:
        # Only the first is costed beside the stop-gap (``evaluate``'s ``late[:1]``; review 130: the others read as
        # costed from their own launch, with no figure anywhere).
        said, figures = _bridge_plan(late, cost, run) if costed and first and cost is not None else ("", None)
        if not said and cost is not None and not cost.available and cost.provider_fees:
            # A buyer with no in-house benchmark: the fees are priced, each over the whole period (review 159: "no
            # offshore cost is estimated for either" beside a cost section pricing both).
            said = (
                "the cost section prices the providers' fees, each over the whole period, not as a bridge; with no "
                "in-house figure to set them against, no bridge plan or saving is worked out"
            )
        if not said and cost is not None and not cost.available:
            said = "no offshore cost is estimated for either, as the cost section says"  # review 136
        if not said:
            said = (
                f"any cost shown prices each over the whole period: {late.best.name} not as a bridge, and "
                f"{late.model.name} from its own launch"
                if costed and first
                else f"any cost shown prices {late.best.name} over the whole period, not as a bridge, and "
                f"{late.model.name} not at all"
            )
        return req.Option(
            f"Start with {late.best.name} {'once what blocks it no longer applies' if blocked else 'now'} and move "
            f"the work to {late.model.name} when it is ready",
            f"two set-ups and a second transition; a first contract with an exit you can use, {_bridge(late)} ({said})",
            plan=figures,
        )

    return tuple(
        req.Conflict(
            code=f"start_within:{late.model.code}",
            kind="model",
            between=("start_within", late.model.code),
            # Said once, with the first (it had been said three times on one page).
            text=_favoured(late) + (f" {SETTLE_BLOCKERS_FIRST}" if blocked and i == 0 else ""),
            options=(
                # While blocked, a later date alone lifts nothing (review 143: "Start later" read as a way out of a
                # blocker that is the work's nature or a law): the option is what follows once the blocker is gone.
                req.Option(
                    f"Once what blocks the verdict no longer applies, go with {late.model.name}"
                    if blocked
                    else f"Start later and go with {late.model.name}",
                    (
                        f"it launches about {late.launch:g} months after that, not within {late.months}: answer a "
                        "later start to have it then"
                        if blocked
                        else f"the work starts in about {late.launch:g} months, not within {late.months}: change your "
                        "answer on how soon the work must start"
                    ),
                ),
                # While blocked, no model starts by the date whatever is chosen (review 140: offered beside "no model
                # starts").
                *(
                    ()
                    if blocked
                    else (
                        req.Option(
                            f"Keep the start date with {late.best.name}, the best fit of the models that can start by "
                            "then",
                            f"{late.model.score - late.best.score} fewer points from your other answers",
                        ),
                    )
                ),
                bridge_option(late, i == 0),
            ),
        )
        for i, late in enumerate(late_models)
    )


def _start_later_model(needs: req.Requirements, ranked: tuple[RankedModel, ...], broke: Any) -> RankedModel | None:
    """With every model ruled out and at least one by the start date alone, the one of those the answers rank highest
    (the first of the highest, in the ranking's order): the model a later start frees; None otherwise."""
    if needs.get("start_within") is None or not ranked or any(not m.excluded_because for m in ranked):
        return None
    by_date = [m for m in ranked if broke.get(m.code) == {"start_within"}]
    return max(by_date, key=lambda m: m.score) if by_date else None


def _fees_of(priced: CostEstimate, model: str) -> ProviderFees | None:
    """``model``'s provider fees with their whole cost and level, for a buyer with no in-house benchmark; else None."""
    return next(
        (f for f in priced.provider_fees if f.model == model and f.total is not None and f.level is not None), None
    )


def _later_priced(best: RankedModel, priced: CostEstimate | None) -> str:
    """What ``best`` likely costs from its own launch, beside the later start that frees it (review 159: "KPO wins, on
    conditions" with every model ruled out read no figure at all; the cost section prices it too); "" when it was not
    costed."""
    fees = _fees_of(priced, best.code) if priced is not None and not priced.available else None
    if priced is not None and fees is not None and fees.total is not None and fees.level is not None:
        # No saving for a buyer with no benchmark: the fees, and the in-house cost a person-year they are level with.
        return (
            f"; priced from its own launch, {best.name} likely costs {priced.amount(fees.total[1])} over "
            f"{priced.period} in US dollars, before the cost of moving the work, level with in-house at about "
            f"{priced.amount(fees.level[1])} a person-year, as the cost section prices it"
        )
    model = next((m for m in priced.models if m.model == best.code), None) if priced is not None else None
    if priced is None or not priced.available or model is None or model.horizon is None or not model.savings:
        return ""
    amount = priced.amount
    saving = model.savings[1]
    against = (
        f"about {amount(saving)} less than in-house" if saving >= 0 else f"about {amount(-saving)} more than in-house"
    )
    return (
        f"; priced from its own launch, {best.name} likely costs {amount(model.horizon[1])} over {priced.period}, "
        f"{against}, as the cost section prices it"
    )


def _none_can_start(
    pb: CompiledPlaybook,
    needs: req.Requirements,
    ranked: tuple[RankedModel, ...],
    broke: Any,
    priced: CostEstimate | None = None,
) -> tuple[req.Conflict, ...]:
    """The start date as a trade-off when it leaves no model to use: every model is ruled out, and at least one by the
    start date alone (``_late`` needs a model that can start to compare with, so it says nothing here). Its options:
    a later start with the model the answers rank highest of those; a start at the soonest launch time with the best
    fit that launches by then, where the answers favour it; and, for a team larger than the catalogue's launch times
    are for (``requirements.LaunchScale``), a first team of that size now with the best model the answers favour that
    launches one in time (review 152: sixty analysts to start within a month; an adviser phases the start or moves the
    date)."""
    start = needs.get("start_within")
    best = _start_later_model(needs, ranked, broke)
    if start is None or best is None:
        return ()
    by_date = [m for m in ranked if broke.get(m.code) == {"start_within"}]
    cat = pb.catalogue
    scale = _launch_scale(pb)
    within = float(start.value)
    months = f"{within:g} month{'' if within == 1 else 's'}"
    launch = req.launch_months(cat.models[best.code], needs.team, scale) or 0.0
    larger = scale is not None and scale.larger(needs.team)
    rank = "your answers favour most" if best.score > 0 else "your answers rank highest"
    text = f"No engagement model can start within {months}"
    if larger and scale is not None and needs.team is not None:
        text += f" for a team of {needs.team:g}: {req.moved_words(scale, needs.team)}, whatever the model"
    text += f". {best.name}, the one {rank} ({best.score} points), takes about {launch:g} months."
    options = [
        req.Option(
            f"Start later and go with {best.name}",
            f"the work starts in about {launch:g} months, not within {months}: change your answer on how soon the "
            f"work must start{_later_priced(best, priced)}",
        )
    ]
    # Sooner than that: the best fit of the models that launch soonest, where the answers favour it (a provider's team
    # in about 3 months beside a centre of the buyer's own in about 12).
    launches = {m.code: req.launch_months(cat.models[m.code], needs.team, scale) or 0.0 for m in by_date}
    sooner = [m for m in by_date if launches[m.code] < launch and m.score > 0]
    if sooner:
        soonest = min(launches[m.code] for m in sooner)
        middle = max((m for m in sooner if launches[m.code] == soonest), key=lambda m: m.score)
        options.append(
            req.Option(
                f"Start in about {soonest:g} months with {middle.name}",
                f"the best fit of the models that can launch a team this size by then ({middle.score} points, against "
                f"{best.score} for {best.name}): answer a start in that time to have it scored and costed",
            )
        )
    if larger and scale is not None:
        # Only a model the answers favour (review 155: a project at -10 points offered for a steady function).
        quick = [
            m
            for m in by_date
            if m.score > 0 and (req.launch_months(cat.models[m.code], None, scale) or within + 1) <= within
        ]
        if quick:
            first = max(quick, key=lambda m: m.score)
            first_launch = req.launch_months(cat.models[first.code], None, scale) or 0.0
            options.append(
                req.Option(
                    f"Start within {months} with a first team of up to {scale.team:g} people as {first.name}, and "
                    "move the rest as a team later",
                    f"{first.name} launches in about {first_launch:g} month{'' if first_launch == 1 else 's'} for a "
                    f"team that size (the catalogue's figure) and has {first.score} points from your other answers; "
                    "the rest is a second move: answer a team of "
                    f"{scale.team:g} or fewer to score and cost the first team on its own",
                )
            )
    return (
        req.Conflict(
            code="start_within",
            kind="start",
            between=("start_within", "team_size" if larger else "start_within"),
            text=text,
            options=tuple(options),
        ),
    )


def _asked_for(items: tuple[tuple[str, VerdictCondition], ...], recommended: str) -> list[VerdictCondition]:
    """One fired rule's conditions as asked of the ``recommended`` model: a condition naming a model holds only when
    that model is recommended, and then stands in for the rule's conditions naming none; so a condition never asks
    for a centre of the buyer's own (a first cohort of its own hires) when the result recommends a provider."""
    reworded = any(model == recommended for model, _ in items if model)
    return [item for model, item in items if (model == recommended if model else not reworded)]


def _day_gives(needs: req.Requirements, location: Mapping[str, Any], day: Any, shown: float | None) -> str:
    """``RankedLocation.shifted_gives``: the overlap the moved ``day`` gives through the year, where it is less than
    the overlap ``shown``, or where the two clocks change in opposite seasons (an hour either side of the figure);
    "" otherwise."""
    if day is None or (day.overlap == shown and not req.opposite_seasons(needs, location)):
        return ""
    return req.day_gives(needs, location, day)


def _plain_overlap(needs: req.Requirements, day: Any, plain: float | None, shown: float | None) -> float | None:
    """``RankedLocation.plain_overlap``: the plain day's overlap, where shifted hours are accepted, the plain day
    gives the overlap needed (so no move is needed, ``day`` None) and the shift gives more than it; None otherwise."""
    need = needs.get("overlap")
    enough = need is None or not isinstance(need.value, int | float) or (plain or 0.0) >= float(need.value)
    if not needs.shift or day is not None or plain is None or shown is None or plain >= shown or not enough:
        return None
    return plain


def _risks_here(fired: list[tuple[str, Risk]], where: tuple[str, ...]) -> list[Risk]:
    """The fired rules' risks that hold for work delivered from ``where`` (the delivery location, or the candidates
    when the result names several; none when nowhere meets every requirement): a risk naming a location holds only
    there, each title once (a rule may name one risk for several locations)."""
    out: list[Risk] = []
    placed: set[str] = set()
    for location, risk in fired:
        if not location:
            out.append(risk)
        elif location in where and risk.title not in placed:
            placed.add(risk.title)
            out.append(risk)
    return out


def _tied(models: tuple[RankedModel, ...]) -> tuple[str, ...]:
    """The models tied on points with the top one, neither breaking a requirement (see ``Evaluation``)."""
    if not models or models[0].excluded_because:
        return ()
    top = models[0]
    return tuple(m.code for m in models[1:] if m.score == top.score and not m.excluded_because)


# Cost indexes closer than this share read as "about the same": the benchmarks are ranges of vendors' rates.
HOME_COST_SAME = 0.05


def home_market_risk(home: Mapping[str, Any], there: Mapping[str, Any]) -> Risk:
    """The caution for a buyer whose own country (``home``) is a delivery location of the catalogue, the work
    delivered from ``there``: its own market is a KPO market too, so a provider at home is the first comparison,
    with the two cost indexes and their source. A caution about where, not whether: the fit score (buying the work
    from a specialist provider, which a domestic one is too) is left as it is."""
    ours, theirs = location_index(home), location_index(there)
    name, where = req.in_text(home), req.in_text(there)
    ratio = theirs / ours - 1
    if abs(ratio) < HOME_COST_SAME:
        title, gap = (
            f"A provider in {name}, your own country, costs about the same as delivery from {where}",
            "about the same",
        )
    elif ratio > 0:
        title, gap = (
            f"A provider in {name}, your own country, is likely cheaper than delivery from {where}",
            f"about {ratio:.0%} more",
        )
    else:
        title, gap = (
            f"Delivery from {where} is likely cheaper than a provider in {name}, your own country",
            f"about {-ratio:.0%} less",
        )
    # Each source once, marked weak when either location's index is weak on it.
    weak: dict[str, bool] = {}
    for source in (index_source(there), index_source(home)):
        named = source.removesuffix(WEAK_MARK)
        weak[named] = weak.get(named, False) or source.endswith(WEAK_MARK)
    cited = "; ".join(named + (WEAK_MARK if marked else "") for named, marked in weak.items())
    figures = f"cost index {theirs:.2f} against {possessive(name)} {ours:.2f}, where India is 1.00; {cited}"
    weigh = (
        "An offshore team is worth it for what it adds (skills, languages, resilience, hours), weighed against the "
        "foreign data protection law and the travel it brings."
        if ratio > -HOME_COST_SAME
        else "Weigh that gap against a foreign team's hours, languages and travel, and the foreign data protection "
        "law it brings."
    )
    return Risk(
        title=title,
        severity="medium" if ratio > -HOME_COST_SAME else "low",
        mitigation=(
            f"Get quotes from providers in {name} before moving the work abroad: {name} is itself a KPO delivery "
            f"market, and by the product's cost benchmarks delivery from {where} costs {gap} ({figures}). {weigh}"
        ),
        rule="",
    )


def _still_open(start: Any, gates: Iterable[Gate], *, notice: bool) -> str:
    """For a start within a month, the gates of one kind still open (notices, or what must be granted), each named
    once, joined; "" for a later start or none open."""
    if start != "within-month":
        return ""
    return "; ".join(dict.fromkeys(g.text for g in gates if g.notice == notice))


def notice_before_start_risk(start: Any, gates: Iterable[Gate]) -> Risk | None:
    """A start within a month while a notice to a regulator is still to be given (a gate of ``notice`` kind): the
    models' launch times alone decide which can start in time, but the notice, and the due diligence and contract it
    follows, come before the provider starts, on the regulator's own timetable. None when the start is later or no
    notice is open."""
    which = _still_open(start, gates, notice=True)
    if not which:
        return None
    return Risk(
        title="A start within a month leaves little time for the notice your regulator needs",
        severity="high",
        mitigation=(
            f"Still to be given: {which}. The due diligence, the contract terms and any data protection "
            "impact assessment listed here come before the notice, and a regulator may take weeks to raise an "
            "objection; the one-month start counts only the provider's own launch time. Ask your regulator how much "
            "notice it expects, plan the start from when the notice is given and any objection settled, and cover "
            "the weeks before it in-house or with temporary staff."
        ),
        rule="",
    )


def waves_risk(scale: req.LaunchScale | None, team: float | None) -> Risk | None:
    """A team too large to move at once (``LaunchScale.in_waves``): the first wave starts when the model launches, the
    whole team over about a year, which the cost of a model billed from its first month counts (``simulate.in_waves``;
    reviews 164 and 168: 5,000 analysts read as moved in one 3-month transition; reviews 167 and 169: the cost had
    priced one transition). None for a smaller team, or work staffed from a bench."""
    if scale is None or team is None or not scale.in_waves(team):
        return None
    return Risk(
        title=f"A team of {number(team)} people moves in waves, not at once",
        severity="medium",
        mitigation=(
            f"Plan the move in waves: a first wave of up to about {number(scale.waves_team or 0)} people, the largest "
            "team moved as one, can start when the model launches, and the whole team takes about "
            f"{scale.waves_months:g} months ({scale.waves_words}), longer the larger the team: no source gives the "
            "time for a team of a given size. The cost of every model counts the waves: each wave's work stays "
            "in-house until it moves, a line of its own, and a managed service, BOT or a centre of your own hires no "
            "faster than its own launch either. Agree the waves and their dates in the contract, and plan the "
            "knowledge transfer of each."
        ),
        rule="",
    )


# How the risk's title ends, which the result's headline reads to say the delivery location rests on it.
SHIFT_RISK_END = ", which a provider must agree to"


def provider_on_own_shift_risk(
    needs: req.Requirements,
    location: Mapping[str, Any],
    model: Mapping[str, Any],
    plain: float | None,
    alternative: tuple[Mapping[str, Any], float, int, int] | None = None,
) -> Risk | None:
    """A provider's model recommended from a location that meets the overlap only on the shifted day the product
    assumes for the buyer's own centre (its staff work the hours the buyer sets; ``requirements.derive``), while the
    buyer never said whether a provider's staff may work shifted hours (review 176: staff augmentation "delivered from
    India" for a planned own centre, where a provider's team on its own day overlaps US Eastern by 0 h). None when the
    model is the buyer's own centre, or the location meets the overlap on its own day."""
    need = needs.get("overlap")
    if need is None or not isinstance(need.value, int | float) or model.get("pricing_basis") == "owned_centre":
        return None
    if plain is None or plain >= need.value:
        return None
    name, where = str(model.get("name", "")), str(location.get("name", ""))
    return Risk(
        title=f"{where} gives your {need.value:g} h of overlap only on a shifted day{SHIFT_RISK_END}",
        severity="medium",
        mitigation=(
            f"On its own working day {where} overlaps yours by {number(plain)} h. It meets the {need.value:g} h you "
            f"need only on a day moved up to {req.SHIFT_HOURS:g} h towards yours, which the product assumes because "
            f"your answers set up a centre of your own, whose staff work the hours you set. {name} is a provider's "
            "team: agree that shift in its contract (any shift allowance is not priced here), or answer whether you "
            "accept shifted hours for a provider's staff and re-score, which may move the work elsewhere."
            + _on_its_own_day(alternative, where)
        ),
        rule="",
    )


def _on_its_own_day(alternative: tuple[Mapping[str, Any], float, int, int] | None, where: str) -> str:
    """The location meeting every requirement that gives the overlap on its own day, with its points against the
    delivery location's: "" when none does."""
    if alternative is None:
        return ""
    there, hours, points, here = alternative
    name = str(there.get("name_in_text") or there.get("name", ""))
    gap = abs(here - points)
    count = f"{gap} point{'s' if gap != 1 else ''}"
    against = "level with" if points == here else f"{count} {'behind' if points < here else 'ahead of'}"
    return (
        f" {name[:1].upper()}{name[1:]} meets every requirement and gives {number(hours)} h on its own working day, "
        f"with no shift to agree ({points} points, {against} {where})."
    )


def approval_before_start_risk(start: Any, gates: Iterable[Gate]) -> Risk | None:
    """A start within a month while something must still be granted (a gate not of ``notice`` kind: an approval, a
    consent, a licence): the one-month start counts the provider's launch time only, and what is still to be granted
    comes on its giver's timetable and may be refused (review 111: an urgent Medicaid coding start read no word that
    the state's written approval comes first, nor an ITAR design start that its licence does). None when the start is
    later or nothing is still to be granted."""
    which = _still_open(start, gates, notice=False)
    if not which:
        return None
    return Risk(
        title="A start within a month cannot hold until what must be granted first is granted",
        severity="high",
        mitigation=(
            f"Still to be granted: {which}. The one-month start counts only the provider's own launch time; an "
            "approval, a consent or a licence comes on its giver's timetable and may be refused. Plan the start from "
            "when each is granted, and cover the weeks before it in-house or with temporary staff."
        ),
        rule="",
    )


# Where the work is delivered from when the data may not leave the buyer's country and no location of the catalogue
# is in it: no location's code, so an obligation naming the locations it applies to never holds.
ONSHORE = "onshore"


def _by_phase(
    pb: CompiledPlaybook, code: str, where: tuple[str, ...]
) -> tuple[tuple[str, str, tuple[Mapping[str, Any], ...]], ...]:
    """The regime's obligations that hold for work delivered from ``where``, grouped by phase. An obligation naming
    the locations it applies to (``delivered_from``: a transfer tool needed only outside the EEA) holds only when
    the work is delivered from one of them, or from one of the candidates when the result names several; with no
    delivery location known (none meets every requirement) it is listed, since it may yet apply, unless the work
    can only be done onshore (``ONSHORE``). Frozen with the playbook, so grouped once per compiled one and delivery
    location."""
    memo = rule_index(pb).memo.setdefault("obligations", {})
    grouped = memo.get((code, where))
    if grouped is None:
        held = [
            {k: v for k, v in o.items() if k != "delivered_from"}
            for o in pb.catalogue.regimes[code].get("obligations", [])
            if not where or not o.get("delivered_from") or set(where) & set(o["delivered_from"])
        ]
        grouped = memo[(code, where)] = tuple(
            (phase, label, tuple(o for o in held if o.get("phase") == phase)) for phase, label in PHASES
        )
    return grouped


# The answers the cost estimate reads, by role: with the top models and the delivery location they are its
# whole input (the catalogue is the compiled playbook's own), so equal keys give equal estimates.
COST_ROLES = (
    "function",
    "annual_hours",
    "team_size",
    "deliverables",
    "horizon",
    "duration_weeks",
    "home_market",
    "own_inhouse_cost",
    "quoted_rate",
    "quoted_price",
    "displaced_staff",
    "own_entity",
    "peak_share",
    "budget_fx",
    "quote_rise",
    "critical_function",
    "demand_pattern",
)
COST_MEMO_SIZE = 512  # estimates remembered per compiled playbook, oldest first out


def _cost(
    pb: CompiledPlaybook, codes: list[str], role: Any, visible: tuple[str, ...], delivered_from: str
) -> CostEstimate:
    """The top models' cost against in-house, remembered per compiled playbook by its inputs: a review page,
    an autosave or a what-if that changes no cost answer re-renders the same estimate (its simulation is cached
    by ``simulated`` too; this also skips rebuilding the case and writing its figures)."""
    deliverables_asked = pb.roles.get("deliverables") in visible
    key = (tuple(codes), delivered_from, deliverables_asked, *(role(r) for r in COST_ROLES))
    memo: dict[Any, CostEstimate] = rule_index(pb).memo.setdefault("cost", {})
    try:
        hit = memo.get(key)
    except TypeError:  # an unhashable answer (a list where a number belongs): estimate it without the memo
        return _estimate(pb, codes, role, deliverables_asked, delivered_from)
    if hit is None:
        hit = _estimate(pb, codes, role, deliverables_asked, delivered_from)
        if len(memo) >= COST_MEMO_SIZE:
            memo.pop(next(iter(memo)), None)
        memo[key] = hit
    return hit


def _inhouse_alone(unavailable: CostEstimate, estimate: CostEstimate) -> CostEstimate:
    """``unavailable`` (no offshore cost: the data may not leave the buyer's country) with the in-house side of
    ``estimate``, its figures and their inputs, so the buyer has the in-house cost the reason tells it to compare
    onshore providers' quotes with (review 120: the memo's box read "In-house, same period —" though the answers
    give it). Where the work would be delivered from is left out of the inputs: nothing is delivered offshore."""
    if not estimate.available or estimate.inhouse_horizon is None:
        return unavailable
    return replace(
        unavailable,
        horizon_years=estimate.horizon_years,
        duration_weeks=estimate.duration_weeks,
        annual_hours=estimate.annual_hours,
        team_size=estimate.team_size,
        inhouse_annual=estimate.inhouse_annual,
        inhouse_horizon=estimate.inhouse_horizon,
        inhouse_inputs=tuple(i for i in estimate.inhouse_inputs if i.label in _INHOUSE_ALONE_INPUTS),
        # The lines and the figures they rest on, each with its source (review 121: the salary it rested on, and its
        # source, were not shown); severance counts only when work moves, which it does not here.
        inhouse_lines=estimate.inhouse_lines,
        figures=tuple(
            f for f in estimate.figures if f.key.startswith("inhouse.") and f.key != "inhouse.severance_months"
        ),
        currency=estimate.currency,
        significant_figures=estimate.significant_figures,
    )


# The in-house inputs that hold with nothing delivered offshore (not where from, nor staff displaced, parallel running
# or provider fees).
_INHOUSE_ALONE_INPUTS = frozenset(
    {"People", "Annual hours", "Hours of the work", INHOUSE_FTE, "Horizon", "Home market", PEAK_SHARE}
)


def _entity_at(role: Any, needs: req.Requirements, location: str, locations: Mapping[str, Mapping[str, Any]]) -> Any:
    """``role`` for a cost delivered from ``location``: the buyer's own entity saves the cost of running one only
    where its centre is (``requirements.centre_here``, the region it favours); delivered from anywhere else, or
    from a location not known, the entity's cost is counted like any buyer's without one."""
    if not needs.own_entity or (location in locations and req.centre_here(needs, location, locations[location])):
        return role
    return lambda name: False if name == "own_entity" else role(name)


# A cheaper location is shown when the recommended model's likely saving from there beats the delivering
# location's by at least this share of the in-house cost over the horizon: smaller gaps are within the noise
# of the ranges and would only clutter the page.
CHEAPER_MATERIAL_SHARE = 0.05


def _cheaper_location(
    pb: CompiledPlaybook,
    cost: CostEstimate,
    top_code: str,
    role: Any,
    needs: req.Requirements,
    feasible: list[str],
    scores: Mapping[str, int],
    transfers: frozenset[str],
) -> CheaperLocation | None:
    """The recommended model (``top_code``) priced from the lowest-cost other location meeting every requirement
    (``feasible``, in ranked order, the delivering one first), when that saves materially more; see
    ``CheaperLocation``."""
    if not cost.available or not cost.draws or not cost.models or len(feasible) < 2 or cost.inhouse_horizon is None:
        return None
    here = feasible[0]
    top = next((m for m in cost.models if m.model == top_code), None)
    if top is None or top.tco is None or top.probability_saving is None:
        return None
    locations = pb.catalogue.locations
    cheapest = min(feasible[1:], key=lambda c: location_index(locations[c]))  # ties: the higher ranked
    if location_index(locations[cheapest]) >= location_index(locations[here]):
        return None
    there = _saving(pb, top.model, _entity_at(role, needs, cheapest, locations), cheapest)
    if there is None:
        return None
    if there.savings_likely - top.savings[1] < CHEAPER_MATERIAL_SHARE * cost.inhouse_horizon[1]:
        return None
    return CheaperLocation(
        location=cheapest,
        name=str(locations[cheapest].get("name", cheapest)),
        name_in_text=req.in_text(locations[cheapest], cheapest),
        model=top.model,
        model_name=top.name,
        points_behind=scores[here] - scores[cheapest],
        needs_transfer_tool=needs_transfer_tool(locations[cheapest], transfers),
        horizon=there.horizon,
        savings=(there.savings_p10, there.savings_likely, there.savings_p90),
        probability_saving=there.probability_saving,
        delivered_saving=top.savings[1],
        delivered_probability_saving=top.probability_saving,
    )


def _saving(pb: CompiledPlaybook, code: str, role: Any, location: str) -> ModelSaving | None:
    """Model ``code`` delivered from ``location``: its total over the horizon and its saving, the figures
    ``_cost(pb, [code], role, visible, location)`` would give it, without the lines, tornado and break-even of a
    shown cost (only compared, never shown); remembered per compiled playbook like ``_cost``. None when that
    cost would not price the model."""
    key = (code, location, *(role(r) for r in COST_ROLES))
    memo: dict[Any, ModelSaving | None] = rule_index(pb).memo.setdefault("saving", {})
    try:
        if key in memo:
            return memo[key]
    except TypeError:  # an unhashable answer: worked out without the memo
        return _model_saving(pb, code, role, location)
    found = memo[key] = _model_saving(pb, code, role, location)
    if len(memo) > COST_MEMO_SIZE:
        memo.pop(next(iter(memo)), None)
    return found


def _tco_arguments(pb: CompiledPlaybook, role: Any) -> dict[str, Any]:
    """What a total cost of ownership reads from the catalogue and the answers, apart from the models and the
    location: the one list ``total_cost`` and ``model_saving`` share, so a cost role added to one reaches both."""
    cat = pb.catalogue
    return {
        "catalogue_models": cat.models,
        "functions": cat.functions,
        "locations": cat.locations,
        "assumptions": cat.cost_assumptions,
        "function_code": role("function"),
        "annual_hours": role("annual_hours"),
        "team_size": role("team_size"),
        "deliverables": role("deliverables"),
        "horizon_years": role("horizon"),
        "home_market": role("home_market"),
        "own_cost": role("own_inhouse_cost"),
        "quoted_rate": role("quoted_rate"),
        "quoted_price": role("quoted_price"),
        "displaced": role("displaced_staff"),
        "duration_weeks": role("duration_weeks"),
        "own_entity": role("own_entity"),
        "peak_share": role("peak_share"),
        "budget_fx": role("budget_fx"),
        "quote_rise": role("quote_rise"),
        "critical": role("critical_function"),
        "demand": role("demand_pattern"),
    }


def _bridge_run(pb: CompiledPlaybook, late: _Late, role: Any, location: str) -> BridgeCost | None:
    """The stop-gap ``late.best`` run until ``late.model`` has launched, remembered per compiled playbook by its inputs
    as ``_cost`` is (an autosave or a what-if that changes no cost answer works it out once)."""
    key = (late.best.code, late.model.code, location, *(role(r) for r in COST_ROLES))
    memo: dict[Any, BridgeCost | None] = rule_index(pb).memo.setdefault("bridge", {})
    try:
        if key in memo:
            return memo[key]
    except TypeError:  # an unhashable answer: worked out without the memo
        return bridge(late.best.code, late.model.code, location_code=location or None, **_tco_arguments(pb, role))
    found = bridge(late.best.code, late.model.code, location_code=location or None, **_tco_arguments(pb, role))
    if len(memo) >= COST_MEMO_SIZE:
        memo.pop(next(iter(memo)), None)
    memo[key] = found
    return found


def _model_saving(pb: CompiledPlaybook, code: str, role: Any, location: str) -> ModelSaving | None:
    return model_saving(code, location_code=location or None, **_tco_arguments(pb, role))


def _priced_by_the_quote(
    pb: CompiledPlaybook, further: Sequence[RankedModel], costed: Sequence[str], role: Any
) -> list[str]:
    """A buyer's quote prices a model the cost would otherwise leave out: the best-ranked model below the three costed
    that the quote prices (an hourly rate: a dedicated team, staff augmentation or BOT; a price per deliverable: a
    project), when none of those costed is, and the advice does not warn it off. The buyer's own price is then set
    beside the benchmark-priced models instead of going unused; [] otherwise."""
    models = pb.catalogue.models
    out: list[str] = []
    for answer, bases in (("quoted_rate", QUOTED_RATE_BASES), ("quoted_price", QUOTED_PRICE_BASES)):
        quote = role(answer)
        if not isinstance(quote, int | float) or quote <= 0:
            continue
        if any(models.get(code, {}).get("pricing_basis") in bases for code in (*costed, *out)):
            continue
        found = next(
            (
                m.code
                for m in further
                if models.get(m.code, {}).get("pricing_basis") in bases and not advised_against(m)
            ),
            None,
        )
        if found is not None:
            out.append(found)
    return out


def _estimate(
    pb: CompiledPlaybook, codes: list[str], role: Any, deliverables_asked: bool, delivered_from: str
) -> CostEstimate:
    """The top models' cost against in-house: a total cost of ownership, delivered from where the verdict
    says, when the playbook froze the cost assumptions; else the rate × hours estimate of its time."""
    cat = pb.catalogue
    if not cat.cost_assumptions:
        return estimate(
            cat.models,
            cat.functions,
            codes,
            function_code=role("function"),
            annual_hours=role("annual_hours"),
            team_size=role("team_size"),
            deliverables=role("deliverables"),
            horizon_years=role("horizon"),
            home_market=role("home_market"),
        )
    return total_cost(
        model_codes=codes,
        deliverables_asked=deliverables_asked,
        location_code=delivered_from or None,
        **_tco_arguments(pb, role),
    )
