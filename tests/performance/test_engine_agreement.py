"""The compiled engine and the naive interpreter of the same JSON agree on generated playbooks.

The benchmark (`make bench`) relies on this to compare their speed; these tests also exercise the
engine's rule index on every operator, "any" and "all" rules, and hidden questions.
"""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.definition import catalogue_snapshot
from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.evaluate import outcome
from apps.playbooks.models import Playbook
from bench.engine import agree
from bench.naive import NaiveEngine
from bench.playbooks import answer_sets, generate_playbook


@pytest.fixture
def catalogue(reference: Playbook) -> dict[str, Any]:
    return catalogue_snapshot()


@pytest.mark.parametrize(("rules", "seed"), [(60, 1), (300, 2), (1000, 3)])
def test_engine_and_naive_interpreter_agree_on_every_answer_set(
    catalogue: dict[str, Any], rules: int, seed: int
) -> None:
    definition = generate_playbook(rules, catalogue=catalogue, seed=seed)
    answers = answer_sets(definition, 150, seed=seed) + answer_sets(definition, 50, seed=seed, answered=0.4)
    assert agree(definition, answers) == 200


def test_fired_rules_are_exactly_the_rules_whose_conditions_hold(catalogue: dict[str, Any]) -> None:
    definition = generate_playbook(400, catalogue=catalogue, seed=5)
    compiled = compile_playbook(definition)
    naive = NaiveEngine(definition)
    for answers in answer_sets(definition, 60, seed=6):
        effective = evaluate(compiled, answers).answers
        expected = [
            r["code"] for r in definition["rules"] if naive.holds(r["conditions"], r.get("match", "all"), effective)
        ]
        assert [f.code for f in evaluate(compiled, answers).fired] == expected


def test_odd_values_take_the_closures_path_with_the_same_result(catalogue: dict[str, Any]) -> None:
    definition = generate_playbook(300, catalogue=catalogue, seed=7)
    compiled = compile_playbook(definition)
    naive = NaiveEngine(definition)
    numeric = [q["code"] for s in definition["sections"] for q in s["questions"] if q["kind"] == "integer"]
    for answers in answer_sets(definition, 30, seed=8):
        odd = {**answers, **{code: float(i) + 0.5 for i, code in enumerate(numeric)}}
        got = outcome(compiled, odd)
        assert (got.verdict, got.fit_score, got.top_model, got.unblocked_score, got.blockers) == naive.outcome(odd)
