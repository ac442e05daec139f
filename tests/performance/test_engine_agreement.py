"""The compiled engine and the naive interpreter of the same JSON agree on generated playbooks.

The benchmark (`make bench`) relies on this to compare their speed; these tests also exercise the
engine's rule index on every operator, "any" and "all" rules, and hidden questions.
"""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.definition import catalogue_snapshot
from apps.playbooks.engine import compile_playbook, compiler, evaluate
from apps.playbooks.engine.evaluate import outcome
from apps.playbooks.engine.scoring import bare
from apps.playbooks.engine.single import single
from apps.playbooks.engine.visibility import counted_answers
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
    definition = generate_playbook(rules, catalogue=catalogue, seed=seed, gates=0.1)
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
    definition = generate_playbook(300, catalogue=catalogue, seed=7, gates=0.1)
    compiled = compile_playbook(definition)
    naive = NaiveEngine(definition)
    numeric = [q["code"] for s in definition["sections"] for q in s["questions"] if q["kind"] == "integer"]
    for answers in answer_sets(definition, 30, seed=8):
        odd = {**answers, **{code: float(i) + 0.5 for i, code in enumerate(numeric)}}
        got = outcome(compiled, odd)
        assert (got.verdict, got.fit_score, got.top_model, got.unblocked_score, got.blockers) == naive.outcome(odd)


@pytest.mark.parametrize("tables", [True, False])
def test_the_single_call_scores_as_the_tally_of_the_answers_that_count(
    catalogue: dict[str, Any], tables: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both ways to add the fired rules up: the byte tables (small playbooks) and the groups' popcounts.
    monkeypatch.setattr(compiler, "BYTE_TABLE_BITS", 1 << 20 if tables else 0)
    definition = generate_playbook(300, catalogue=catalogue, seed=11, gates=0.1)
    compiled = compile_playbook(definition)
    assert (compiled.index is not None and compiled.index.byte_tables is not None) is tables
    questions = [q for s in definition["sections"] for q in s["questions"]]
    single_choice = next(q["code"] for q in questions if q["kind"] == "single")
    multi_choice = next(q["code"] for q in questions if q["kind"] == "multi")
    sets = answer_sets(definition, 120, seed=12) + answer_sets(definition, 40, seed=13, answered=0.3)
    # Odd values too: an option the question does not have, a tuple for a multiple choice.
    sets += [{**a, single_choice: "no-such-option", multi_choice: ("o0", "o1")} for a in sets[:20]]
    for answers in sets:
        assert single(compiled, answers) == bare(compiled, counted_answers(compiled, answers))
