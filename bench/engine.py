"""Engine benchmark: generated playbooks of 100, 1,000 and 10,000 rules, the compiled engine against
the naive tree-walking interpreter of the same JSON, on the same random answer sets, in one run.

``outcome()`` (verdict, fit score, top model) is what re-scoring many answer sets uses (the impact
preview); ``evaluate()`` (the whole explanation and the cost estimate) is what submit, the result,
the review page and autosave use. Both are timed; the naive baseline computes what ``outcome()``
computes, and the two must agree on every answer set or the benchmark fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.evaluate import outcome
from bench.naive import NaiveEngine
from bench.playbooks import answer_sets, generate_playbook
from bench.stats import summary, time_calls

SIZES = (100, 1_000, 10_000)
ANSWER_SETS = 200


def _rounds(n_rules: int) -> int:
    return max(1, 2_000 // n_rules)  # enough samples for a stable median at every size


def agree(definition: Mapping[str, Any], answers: list[dict[str, Any]]) -> int:
    """Assert the engine and the naive interpreter give the same outcome on every answer set."""
    compiled = compile_playbook(definition)
    naive = NaiveEngine(definition)
    for a in answers:
        got = outcome(compiled, a)
        ev = evaluate(compiled, a)
        mine = (got.verdict, got.fit_score, got.top_model, got.unblocked_score, got.blockers)
        theirs = naive.outcome(a)
        if mine != theirs or (ev.verdict, ev.fit_score, ev.top_model) != theirs[:3]:
            raise AssertionError(f"engine {mine} and naive {theirs} disagree on {a}")
    return len(answers)


def measure_size(n_rules: int, catalogue: Mapping[str, Any]) -> dict[str, Any]:
    definition = generate_playbook(n_rules, catalogue=catalogue)
    answers = answer_sets(definition, ANSWER_SETS)
    started = time.perf_counter()
    compiled = compile_playbook(definition)
    compile_ms = (time.perf_counter() - started) * 1000
    checked = agree(definition, answers)
    naive = NaiveEngine(definition)
    rounds = _rounds(n_rules)
    fired = [len(evaluate(compiled, a).fired) for a in answers]
    conditions = sum(len(r["conditions"]) for r in definition["rules"])
    return {
        "rules": n_rules,
        "conditions": conditions,
        "questions": sum(len(s["questions"]) for s in definition["sections"]),
        "answer_sets": len(answers),
        "rules_fired_mean": sum(fired) / len(fired),
        "agreement_checked": checked,
        "compile_ms": compile_ms,
        "evaluate": summary(time_calls(lambda a: evaluate(compiled, a), answers, rounds=rounds)),
        "outcome": summary(time_calls(lambda a: outcome(compiled, a), answers, rounds=rounds)),
        "naive": summary(time_calls(naive.outcome, answers, rounds=max(1, rounds // 2))),
    }


def measure_cost(catalogue: Mapping[str, Any], *, rounds: int = 20) -> dict[str, Any]:
    """The total cost of ownership's simulation alone (10,000 draws), uncached, as submit runs it for the
    top three models: a steady four-person equity-research team delivered from India over three years."""
    from apps.playbooks.engine.tco import DRAWS, build_case, simulate

    case = build_case(
        catalogue_models=catalogue["models"],
        functions=catalogue["functions"],
        locations=catalogue["locations"],
        assumptions=catalogue["cost_assumptions"],
        function_code="equity-research",
        model_codes=["captive-team", "bot", "shared-pool"],
        location_code="india",
        people=4,
        years=3,
    )
    samples = time_calls(lambda c: simulate(c), [case], rounds=rounds)
    return {"draws": DRAWS, "models": len(case.models), "figures": len(case.figures), **summary(samples)}


def run(catalogue: Mapping[str, Any]) -> dict[str, Any]:
    sizes = {str(n): measure_size(n, catalogue) for n in SIZES}
    return {"sizes": sizes, "cost_simulation": measure_cost(catalogue)}


def main(*_: str) -> None:
    from apps.playbooks.definition import catalogue_snapshot

    catalogue = json.loads(json.dumps(catalogue_snapshot(), default=str))
    print(json.dumps(run(catalogue)))
