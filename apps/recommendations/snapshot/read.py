"""The one reader of a stored recommendation: any stored version, parsed into the current types.

Old versions are upgraded step by step (``_UPGRADES``) to the current shape, then parsed; a stored
document is never rewritten (a recommendation is immutable), so every version stays readable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields, replace
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from apps.recommendations.snapshot.historical import VENDOR_REQUIREMENTS, historical_guidance
from apps.recommendations.snapshot.types import (
    SCHEMA_VERSION,
    AnsweredQuestion,
    Blocker,
    CheaperLocation,
    Contribution,
    Cost,
    CostFigure,
    CostInput,
    CostLine,
    CostModel,
    CostSpread,
    CostSwing,
    EvaluationRecord,
    FiredRule,
    FlipChange,
    FunctionInfo,
    GuidanceItem,
    GuidanceSource,
    Inputs,
    Location,
    MemoGuidance,
    Model,
    Obligation,
    PhaseObligations,
    PilotPlan,
    PilotThreshold,
    PlaybookRef,
    ProviderFees,
    Regime,
    Risk,
    Snapshot,
    Source,
    SourceNote,
    StoredCondition,
    StoredFlip,
    StoredGate,
    StoredPreference,
    StoredRequirement,
    Tco,
    Thresholds,
    TradeOff,
    TradeOffOption,
    provider_rate,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class SnapshotError(ValueError):
    """A stored document that is not a snapshot of any known version."""


def schema_version(data: Mapping[str, Any]) -> int:
    """The version a snapshot was stored as; version 1 had no ``schema_version`` key."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SnapshotError(f"Unknown snapshot schema version {version!r}.")
    return version


def read_snapshot(data: Mapping[str, Any]) -> Snapshot:
    """Parse a stored snapshot of any known version into the current types."""
    if not isinstance(data, Mapping) or "evaluation" not in data:
        raise SnapshotError("Not a recommendation snapshot.")
    version = schema_version(data)
    if not 1 <= version <= SCHEMA_VERSION:
        raise SnapshotError(f"Unknown snapshot schema version {version!r}.")
    doc: dict[str, Any] = dict(data)
    for step in range(version, SCHEMA_VERSION):
        doc = _UPGRADES[step](doc)
    # The parsed snapshot has the current types but says which version it was stored as.
    snapshot = _snapshot({**doc, "schema_version": version})
    if version < 3:
        # The memo's guidance was code then, not stored: the frozen copy of it prints what it printed.
        snapshot = replace(snapshot, guidance=historical_guidance(snapshot))
    return snapshot


# The roles the consumers read, and (for version 1, which did not record roles) the question code each
# had in the reference playbook then: the role's own name, except the assurance question.
_V1_ROLE_CODES = {
    "function": "function",
    "buyer_location": "buyer_location",
    "home_market": "home_market",
    "overlap_hours": "overlap_hours",
    "vendor_assurance": "vendor_assurance",
    "annual_hours": "annual_hours",
    "team_size": "team_size",
    "deliverables": "deliverables",
    "horizon": "horizon",
}


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept no inputs by role and no hourly rate per priced model: both are worked out from what
    it did keep, exactly as the consumers of the time worked them out."""
    ev = dict(doc["evaluation"])
    answers = ev.get("answers") or {}
    cost = dict(ev.get("cost") or {})
    cost["models"] = [{**m, "hourly_rate": provider_rate(m.get("inputs") or [])} for m in cost.get("models") or []]
    ev["cost"] = cost
    inputs = {role: answers.get(code) for role, code in _V1_ROLE_CODES.items() if code in answers}
    return {**doc, "inputs": inputs, "evaluation": ev}


def _v2_to_v3(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 stored neither the memo's guidance (filled after parsing, from ``historical``, as it depends
    on the typed result) nor what would flip it (worked out on request, as then)."""
    return {**doc, "guidance": None, "flips": None}


def _v3_to_v4(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 3 costed rate × hours, in US dollars whatever the home market: it reads as that, with no
    total cost of ownership (every TCO field at its default), so it renders as it did."""
    ev = dict(doc["evaluation"])
    ev["cost"] = {**(ev.get("cost") or {}), "currency": "USD", "draws": 0}
    return {**doc, "evaluation": ev}


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


# Parsing the current shape


def _make[T: DataclassInstance](cls: type[T], data: Any, **nested: Callable[[Any], Any]) -> T:
    """``cls`` from the keys of ``data`` it has fields for (missing ones take the field's default), with
    ``nested`` converters for the fields that hold other types. Unknown keys are ignored.

    A large snapshot makes several hundred of these, and a frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``: the instance is filled in one step instead (``_Plan``), which is what that ``__init__``
    does for these classes (no ``__post_init__``, no slots; ``_plan`` takes the constructor for any other)."""
    if not isinstance(data, Mapping):
        raise SnapshotError(f"Expected an object for {cls.__name__}, got {type(data).__name__}.")
    plan = _plan(cls)
    names = plan.names
    values = {k: (nested[k](v) if k in nested else v) for k, v in data.items() if k in names}
    if plan.direct and len(values) == len(names):  # every field given (only known names are kept)
        made = _new(cls)
        made.__dict__.update(values)
        return made
    if plan.direct and plan.required.issubset(values):
        made = _new(cls)
        made.__dict__.update({**plan.defaults, **{k: f() for k, f in plan.factories if k not in values}, **values})
        return made
    try:
        return cls(**values)
    except TypeError as exc:
        raise SnapshotError(f"Incomplete {cls.__name__}: {exc}") from exc


_new = object.__new__


@dataclass(frozen=True)
class _Plan:
    names: frozenset[str]
    required: frozenset[str]  # fields without a default
    defaults: Mapping[str, Any]
    factories: tuple[tuple[str, Callable[[], Any]], ...]
    direct: bool  # filled without ``__init__``: a plain frozen dataclass with a ``__dict__``


@cache
def _plan(cls: type[DataclassInstance]) -> _Plan:
    # Asked thousands of times a parse (every obligation, line and contribution), of a few dozen classes:
    # ``fields()`` builds its tuple anew on each call, about a third of a large snapshot's parse.
    own = fields(cls)
    return _Plan(
        names=frozenset(f.name for f in own),
        required=frozenset(f.name for f in own if f.default is MISSING and f.default_factory is MISSING),
        defaults=MappingProxyType({f.name: f.default for f in own if f.default is not MISSING}),
        factories=tuple((f.name, f.default_factory) for f in own if f.default_factory is not MISSING),
        direct=not hasattr(cls, "__slots__") and not hasattr(cls, "__post_init__") and all(f.init for f in own),
    )


def _many[T](parse: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    return lambda items: tuple(map(parse, items or ()))


def _strings(items: Any) -> tuple[str, ...]:
    if items is None:
        return ()
    if isinstance(items, str):
        return (items,)
    return tuple(map(str, items))  # str of a str is itself: no copy, and no Python frame per item


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _frozen(value: Any) -> Any:
    """A stored JSON value with its lists as tuples, so the frozen dataclass holding it stays immutable."""
    return tuple(value) if isinstance(value, list) else value


def _triple(value: Any) -> tuple[Any, ...] | None:
    return None if value is None else tuple(value)


def _plan_figures(value: Any) -> tuple[float, float] | None:
    """A trade-off option's plan figures (total, saving), or None when absent or not two numbers."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    total, saving = _number(value[0]), _number(value[1])
    return None if total is None or saving is None else (total, saving)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_source = _many(lambda s: _make(Source, s, figures=_strings, title=_text, url=_text, date=_text, note=_text))
_contributions = _many(lambda c: _make(Contribution, c, text=_text))


def _phase(group: Any) -> PhaseObligations:
    phase, label, items = group
    return PhaseObligations(phase, label, _many(lambda o: _make(Obligation, o))(items))


def _regime(r: Any) -> Regime:
    regime = _make(
        Regime,
        r,
        because=_strings,
        obligations=_many(_phase),
        sources=_source,
        effective_date=_text,
        last_reviewed=_text,
        vendor_requirement=_text,
        confidence_note=_text,
        next_change_date=_text,
    )
    if "vendor_requirement" not in r:  # stored before it was curated: what matching required then
        regime = replace(regime, vendor_requirement=VENDOR_REQUIREMENTS.get(regime.code, ""))
    return regime


_lines = _many(lambda line: _make(CostLine, line, horizon=_triple, formula=_text))


def _tco(t: Any) -> Tco | None:
    return None if t is None else _make(Tco, t, one_time=_triple, annual=_triple, horizon=_triple)


def _cost(c: Any) -> Cost:
    inputs = _many(lambda i: _make(CostInput, i))
    model = _many(
        lambda m: _make(
            CostModel,
            m,
            annual=_triple,
            horizon=_triple,
            savings=_triple,
            inputs=inputs,
            tco=_tco,
            lines=_lines,
            tornado=_many(lambda t: _make(CostSwing, t)),
            without_premium=lambda s: None if s is None else _make(CostSpread, s),
        )
    )
    return _make(
        Cost,
        c,
        inhouse_annual=_triple,
        inhouse_horizon=_triple,
        inhouse_inputs=inputs,
        models=model,
        skipped=_many(lambda pair: (str(pair[0]), str(pair[1]))),
        currency=_text,
        inhouse_lines=_lines,
        figures=_many(lambda f: _make(CostFigure, f, source=_text)),
        cheaper_location=_cheaper_location,
        significant_figures=_figures_shown,
        provider_fees=_many(
            lambda f: _make(
                ProviderFees,
                f,
                horizon=_triple,
                formula=_text,
                inputs=inputs,
                total=_triple,
                lines=_lines,
                level=_triple,
                left_out=_strings,
            )
        ),
    )


def _priced_from(value: Any) -> CostInput | None:
    return None if value is None else _make(CostInput, value, label=_text, value=_text, source=_text)


def _figures_shown(value: Any) -> int:
    """A cost's significant figures: a whole number 1 to 15, else 0 (every amount to the unit)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 15 else 0


def _cheaper_location(data: Any) -> CheaperLocation | None:
    if data is None:
        return None
    return _make(CheaperLocation, data, horizon=_triple, savings=_triple, name=_text, model_name=_text, needs=_strings)


def _evaluation(ev: Any) -> EvaluationRecord:
    return _make(
        EvaluationRecord,
        ev,
        visible=_strings,
        visible_sections=_strings,
        answers=MappingProxyType,
        missing_required=_strings,
        blockers=_many(lambda b: _make(Blocker, b)),
        fired=_many(lambda r: _make(FiredRule, r, because=_strings, effects=_strings)),
        fit_contributions=_contributions,
        models=_many(
            lambda m: _make(
                Model,
                m,
                contributions=_contributions,
                sources=_source,
                excluded_because=_strings,
                priced_from=_priced_from,
            )
        ),
        regimes=_many(_regime),
        risks=_many(lambda r: _make(Risk, r)),
        locations=_many(
            lambda loc: _make(Location, loc, contributions=_contributions, sources=_source, excluded_because=_strings)
        ),
        cost=_cost,
        buyer_location=_text,
        requirements=_many(
            lambda r: _make(StoredRequirement, r, because=_strings, text=_text, kind=_text, value=_frozen)
        ),
        preferences=_many(lambda p: _make(StoredPreference, p, text=_text)),
        conflicts=_many(_trade_off),
        conditions=_many(lambda c: _make(StoredCondition, c, text=_text, rule=_text, name=_text)),
        delivery_candidates=_strings,
        gates=_many(lambda g: _make(StoredGate, g, text=_text, rule=_text, name=_text)),
        tied_models=_strings,
        shifted_hours=lambda v: _number(v) or 0.0,
    )


def _trade_off(c: Any) -> TradeOff:
    option = _many(lambda o: _make(TradeOffOption, o, text=_text, costs=_text, triggers=_strings, plan=_plan_figures))
    return _make(TradeOff, c, text=_text, kind=_text, options=option)


def _inputs(data: Any) -> Inputs:
    data = data or {}
    return Inputs(
        function=_text(data.get("function")),
        buyer_location=_text(data.get("buyer_location")),
        home_market=_text(data.get("home_market")),
        overlap_hours=_number(data.get("overlap_hours")),
        assurances=_strings(data.get("vendor_assurance")),
        annual_hours=_number(data.get("annual_hours")),
        team_size=_number(data.get("team_size")),
        deliverables=_number(data.get("deliverables")),
        horizon=_number(data.get("horizon")),
        buyer_country=_text(data.get("buyer_country")),
        buyer_zone=_text(data.get("buyer_zone")),
    )


def _guidance_source(s: Any) -> GuidanceSource:
    return _make(GuidanceSource, s, title=_text, short=_text, url=_text, date=_text)


_guidance_items = _many(lambda g: _make(GuidanceItem, g, source=_guidance_source))


def _pilot(p: Any) -> PilotPlan:
    return _make(
        PilotPlan,
        p,
        thresholds=_many(lambda t: _make(PilotThreshold, t, source=_guidance_source)),
        transition_source=lambda s: None if s is None else _guidance_source(s),
    )


def _guidance(g: Any) -> MemoGuidance | None:
    if g is None:
        return None
    return _make(
        MemoGuidance,
        g,
        clauses=_guidance_items,
        source_notes=_many(lambda n: _make(SourceNote, n)),
        pilot=_pilot,
        exit=_guidance_items,
    )


def _flips(items: Any) -> tuple[StoredFlip, ...] | None:
    if items is None:
        return None
    return _many(lambda f: _make(StoredFlip, f, changes=_many(lambda c: _make(FlipChange, c))))(items)


def _snapshot(doc: Mapping[str, Any]) -> Snapshot:
    return _make(
        Snapshot,
        doc,
        playbook=lambda p: _make(PlaybookRef, p),
        thresholds=lambda t: _make(Thresholds, t),
        sections=MappingProxyType,
        answered=_many(lambda a: _make(AnsweredQuestion, a)),
        stored_answers=MappingProxyType,
        function=lambda f: _make(FunctionInfo, f, code=_text, sources=_source),
        evaluation=_evaluation,
        inputs=_inputs,
        guidance=_guidance,
        flips=_flips,
    )


def exported(data: Mapping[str, Any], **header: Any) -> dict[str, Any]:
    """The public JSON export (``docs/exports.md``): ``header`` (id, verdict, fit score), then the stored
    document exactly as it was written, its ``schema_version`` telling readers its shape (absent: 1)."""
    read_snapshot(data)  # refuse to export what no reader could parse
    return {**header, **data}


def read_flips(items: Any) -> tuple[StoredFlip, ...]:
    """What would flip it as ``write.flips_document`` stored it (in its own record, ``FlipRecord``)."""
    return _flips(items) or ()
