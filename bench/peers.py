"""Peers: the same rules as a JsonLogic expression, run by datalogic-py (a native Rust core, compile once /
evaluate many) and json-logic-qubit (pure Python), against ``outcome()`` and ``evaluate()`` in one run.

The translation (``jsonlogic``) is the whole outcome, visibility included: a question's answer counts only
where its section's and its own conditions hold on the answers that count before it, so each reference
to an answer is ``{"if": [<visible>, {"var": code}, null]}`` with the visibility inlined (and shared
between references, in memory). Each condition becomes the JsonLogic of what ``compile_condition`` tests;
each rule is ``and``/``or`` of its conditions. The expression returns ``[fit points, blockers, points of
each model, gates]``; the verdict and the top model follow from those in Python exactly as ``scoring`` derives
them (``outcome_of``), so the peers are timed on everything ``outcome()`` does but a few comparisons.

Every peer must give ``outcome()``'s verdict, fit score, top model, unblocked score and blockers on every
answer set, or the benchmark fails. Timed forms of datalogic: the compiled rule on the answers as a dict
(what ``outcome()`` is given), a session on the same, and a session on pre-parsed data (its fastest form,
the parsing done before the clock starts). The peers are installed by ``make bench`` from
``bench/requirements.txt``; without them this part reports that they are missing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.compiler import CompiledPlaybook
from apps.playbooks.engine.evaluate import Outcome, outcome
from apps.playbooks.engine.scoring import model_order, verdict_for
from apps.playbooks.engine.types import MULTI, Condition
from bench.playbooks import answer_sets, generate_playbook
from bench.stats import summary, time_calls

SIZES = (100, 1_000, 10_000)
ANSWER_SETS = 200

Logic = Any  # a JsonLogic expression: dicts, lists and scalars


def _condition(pb: CompiledPlaybook, cond: Condition, x: Logic) -> Logic:
    """What ``compile_condition`` tests, on ``x`` (the answer that counts, or null)."""
    op, value = cond.op, cond.value
    present = {"!==": [x, None]}
    if op == "answered":
        return present
    if op == "not_answered":
        return {"===": [x, None]}
    if op == "between":
        return {"and": [present, {"<=": [float(value[0]), x, float(value[1])]}]}
    if op in ("at_least", "at_most"):
        return {"and": [present, {">=" if op == "at_least" else "<=": [x, float(value)]}]}
    wanted = list(value) if isinstance(value, list | tuple) else [value]
    if pb.questions[cond.question].kind == MULTI:
        has = [{"in": [w, x]} for w in wanted]
        if op == "equals":  # the same set: every wanted option chosen, no other
            others = [o.code for o in pb.questions[cond.question].options if o.code not in wanted]
            return {"and": [present, *has, *({"!": {"in": [o, x]}} for o in others)]}
        if op in ("one_of", "contains_any"):
            return {"and": [present, {"or": has}]}
        if op == "none_of":
            return {"and": [present, *({"!": h} for h in has)]}
        if op == "not_one_of":  # none of these, or no answer
            return {"or": [{"===": [x, None]}, {"and": [*({"!": h} for h in has)]}]}
        return {"and": [present, *has]}  # contains_all
    if op == "equals":
        return {"and": [present, {"==": [x, value]}]}
    if op == "none_of":
        return {"and": [present, {"!": {"in": [x, wanted]}}]}
    if op == "not_one_of":
        return {"or": [{"===": [x, None]}, {"!": {"in": [x, wanted]}}]}
    return {"and": [present, {"in": [x, wanted]}]}  # one_of, contains_any


def _all_or_any(parts: Sequence[Logic], mode: str) -> Logic:
    if not parts:
        return True
    return parts[0] if len(parts) == 1 else {"or" if mode == "any" else "and": list(parts)}


def jsonlogic(pb: CompiledPlaybook) -> Logic:
    """``pb``'s outcome as one JsonLogic expression giving [fit points, blockers, each model's points, gates]."""
    counts: dict[str, Logic] = {}  # question -> the expression of its answer that counts

    def holds(conds: Sequence[Condition], mode: str) -> Logic:
        return _all_or_any([_condition(pb, c, counts[c.question]) for c in conds], mode)

    for section in pb.sections:
        shown = holds(*pb.section_conditions[section.code])
        for code in section.questions:
            visible = _all_or_any([p for p in (shown, holds(*pb.question_conditions[code])) if p is not True], "all")
            counts[code] = {"var": code} if visible is True else {"if": [visible, {"var": code}, None]}
    fired = [holds(rule.conditions, rule.match) for rule, _ in pb.rules]
    offered, _ = model_order(pb)

    def total(points: Callable[[Any], int]) -> Logic:
        terms = [{"if": [f, p, 0]} for (rule, _), f in zip(pb.rules, fired, strict=True) if (p := points(rule))]
        return {"+": terms} if terms else 0

    sums = [
        total(lambda r: sum(e.points for e in r.effects if e.kind == "fit")),
        total(lambda r: sum(e.kind == "blocker" for e in r.effects)),
        *(total(partial(_model_points, model=m)) for m in offered),
        total(lambda r: sum(e.kind == "gate" for e in r.effects)),
    ]
    return sums


def _model_points(rule: Any, *, model: str) -> int:
    return sum(e.points for e in rule.effects if e.kind == "model" and e.target == model)


def outcome_of(pb: CompiledPlaybook, sums: Sequence[Any]) -> Outcome:
    """The outcome from a peer's [fit points, blockers, model points..., gates], as ``scoring`` derives it."""
    offered, order = model_order(pb)
    fit, blockers, gates = int(sums[0]), int(sums[1]), int(sums[-1])
    scores = {code: int(p) for code, p in zip(offered, sums[2:-1], strict=True)}
    unblocked, score, verdict = verdict_for(pb, fit, blockers > 0, gates > 0)
    top = max(order, key=scores.__getitem__) if order else None
    return Outcome(verdict, score, top, unblocked, blockers)


def _peers(expression: Logic) -> dict[str, Callable[[Mapping[str, Any]], Any]] | None:
    """Each peer's call on one answer set (None when the peers are not installed)."""
    try:
        import datalogic_py
        from json_logic import jsonLogic
    except ImportError:
        return None
    engine = datalogic_py.Engine()
    rule = engine.compile(expression)
    session = engine.session()
    return {
        "datalogic_compiled": rule.evaluate,
        "datalogic_session": lambda a: session.evaluate(rule, a),
        "json_logic_qubit": lambda a: jsonLogic(expression, a),
    }


def _parsed(answers: Sequence[Mapping[str, Any]]) -> list[Any]:
    import datalogic_py

    return [datalogic_py.DataHandle(json.dumps(a)) for a in answers]


def measure(pb: CompiledPlaybook, answers: list[dict[str, Any]], *, rounds: int) -> dict[str, Any]:
    started = time.perf_counter()
    expression = jsonlogic(pb)
    # As datalogic compiles its rule before the clock starts, ``outcome()`` serves the answers once first:
    # a compiled playbook generates its own function after its first calls (``single.GENERATE_AFTER``).
    for a in answers:
        outcome(pb, a)
    out: dict[str, Any] = {
        "rules": len(pb.rules),
        "questions": len(pb.questions),
        "answer_sets": len(answers),
        "expression_kb": len(json.dumps(expression)) / 1024,
        "outcome": summary(time_calls(lambda a: outcome(pb, a), answers, rounds=rounds)),
        "evaluate": summary(time_calls(lambda a: evaluate(pb, a), answers, rounds=max(1, rounds // 4))),
    }
    peers = _peers(expression)
    if peers is None:
        out["peers"] = "not installed (make bench installs bench/requirements.txt)"
        return out
    expected = [outcome(pb, a) for a in answers]
    clock = time.perf_counter
    for name, call in peers.items():
        samples = []  # the checked calls are timed too: json-logic-qubit takes a second a call at 10,000 rules
        for a, want in zip(answers, expected, strict=True):
            start = clock()
            sums = call(a)
            samples.append((clock() - start) * 1000)
            got = outcome_of(pb, sums)
            if got != want:
                raise AssertionError(f"{name} gives {got}, outcome() {want}, on {a}")
        if name != "json_logic_qubit":
            samples += time_calls(call, answers, rounds=rounds)
        out[name] = summary(samples)
    engine, handles = _peers_session(expression), _parsed(answers)
    out["datalogic_preparsed"] = summary(time_calls(engine, handles, rounds=rounds))
    out["agreement_checked"] = len(answers) * len(peers)
    out["seconds"] = time.perf_counter() - started
    fastest = min(out[k]["median_ms"] for k in ("datalogic_compiled", "datalogic_session", "datalogic_preparsed"))
    out["ratios"] = {  # how many times faster than the peer's form (above 1: ours is faster)
        "outcome_vs_datalogic_fastest": fastest / out["outcome"]["median_ms"],
        "outcome_vs_datalogic_compiled": out["datalogic_compiled"]["median_ms"] / out["outcome"]["median_ms"],
        "evaluate_vs_datalogic_compiled": out["datalogic_compiled"]["median_ms"] / out["evaluate"]["median_ms"],
        "outcome_vs_json_logic_qubit": out["json_logic_qubit"]["median_ms"] / out["outcome"]["median_ms"],
    }
    return out


def _peers_session(expression: Logic) -> Callable[[Any], Any]:
    import datalogic_py

    engine = datalogic_py.Engine()
    rule, session = engine.compile(expression), engine.session()
    return lambda handle: session.evaluate_data(rule, handle)


def run(catalogue: Mapping[str, Any], reference: CompiledPlaybook | None = None) -> dict[str, Any]:
    sizes: dict[str, Any] = {}
    for n in SIZES:
        definition = generate_playbook(n, catalogue=catalogue)
        sizes[str(n)] = measure(
            compile_playbook(definition), answer_sets(definition, ANSWER_SETS), rounds=max(1, 2_000 // n)
        )
    if reference is not None:
        from bench.batch import stored_answers

        cleaned = [_clean(reference, a) for a in stored_answers(reference, ANSWER_SETS, seed=17)]
        sizes["reference"] = measure(reference, cleaned, rounds=10)
    return {"sizes": sizes}


def _clean(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> dict[str, Any]:
    from apps.playbooks.engine import clean_answers

    return dict(clean_answers(pb.questions, answers, ignore_unknown=True)[0])


def main(*_: str) -> None:
    from apps.playbooks.definition import catalogue_snapshot
    from bench.batch import reference_playbook

    catalogue = json.loads(json.dumps(catalogue_snapshot(), default=str))
    print(json.dumps(run(catalogue, reference_playbook())))
