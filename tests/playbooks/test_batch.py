"""The batch engine gives ``outcome()``'s verdict, fit score, top model and blockers on every row: random
playbooks with random and awkward answers, and the reference playbook on its golden cases and thousands
of random answer sets."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.playbooks.definition import build_definition
from apps.playbooks.engine import clean_answers, compile_playbook
from apps.playbooks.engine.batch import BatchScorer, score_batch
from apps.playbooks.engine.compiler import CompiledPlaybook
from apps.playbooks.engine.evaluate import outcome
from apps.playbooks.engine.scoring import tally
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from bench.playbooks import answer_sets, generate_playbook

# Models with curated orders that tie and differ, so the tie-break is exercised; a retired model and a
# contrast (not KPO) that rules may name but never rank.
CATALOGUE: dict[str, Any] = {
    "models": {
        "pool": {"name": "Shared pool", "is_kpo": True, "order": 2},
        "captive": {"name": "Captive team", "is_kpo": True, "order": 1},
        "project": {"name": "Project", "is_kpo": True, "order": 1},
        "bot": {"name": "Build-operate-transfer", "is_kpo": True},
        "old": {"name": "Retired model", "is_kpo": True, "retired": True},
        "bpo": {"name": "BPO", "is_kpo": False},
    },
    "functions": {"research": {"name": "Equity research"}, "legal": {"name": "Legal review"}},
    "locations": {"india": {"name": "India"}, "poland": {"name": "Poland"}},
    "regimes": {"gdpr": {"name": "GDPR"}, "hipaa": {"name": "HIPAA"}},
}

# Answers no form would store, one list per question kind: the batch must still agree with outcome(),
# scoring such rows exactly as it does (raw) or after clean_answers drops or normalises them (clean).
AWKWARD: dict[str, list[Any]] = {
    "single": [7, True, "not-an-option", "  "],
    "multi": ["o1", ("o0", "o2"), [], ["o2", "o0", "o2"], ["nope"]],
    "yes_no": [1, 0, 1.0, "yes", "no"],
    "integer": [True, 2.5, 3.0, float("nan"), float("inf"), 10**30, -(10**13), 2**53 + 1, 150],
    "money": [0.125, 1234.565, 5, True, float("nan"), 10**30, 2_000_001],
    "percent": [99.999, 100.5, -1, 0.005, float("-inf"), 50],
}
# Only in clean mode: raw, outcome() itself raises on them (text against a number, a list as a choice).
CLEAN_ONLY: dict[str, list[Any]] = {
    "single": [["o1"], ["o0", "o1"]],
    "integer": ["2,000", "12.5", "  ", "12,5", "$40", "1e3"],
    "money": ["2,000", "$1,250.50", "abc"],
    "percent": ["40%", "12.5", "101"],
}


def _row(result: Any) -> tuple[Any, ...]:
    return (result.verdict, result.fit_score, result.top_model, result.unblocked_score, result.blockers)


def assert_agrees(
    pb: CompiledPlaybook, rows: Sequence[Mapping[str, Any]], *, clean: bool = False, scorer: BatchScorer | None = None
) -> None:
    got = (scorer or BatchScorer(pb)).score(rows, clean=clean)
    assert len(got) == len(rows)
    for i, answers in enumerate(rows):
        expected = clean_answers(pb.questions, answers, ignore_unknown=True)[0] if clean else answers
        assert _row(got.outcome(i)) == _row(outcome(pb, expected)), (i, answers)
        # The open gates the what-would-flip search reads: as the tally of the answers that count has them.
        assert int(got.gates[i]) == tally(pb, visibility(pb, expected).answers).gates, (i, answers)


def _awkward(definition: Mapping[str, Any], rows: list[dict[str, Any]], seed: int, *, clean: bool) -> None:
    rng = random.Random(seed)
    questions = [q for s in definition["sections"] for q in s["questions"]]
    for row in rows:
        for q in rng.sample(questions, min(len(questions), 4)):
            choices = AWKWARD[q["kind"]] + (CLEAN_ONLY.get(q["kind"], []) if clean else [])
            row[q["code"]] = rng.choice(choices)


@settings(max_examples=40, deadline=None)
@given(
    rules=st.integers(min_value=0, max_value=120),
    questions=st.integers(min_value=8, max_value=48),
    seed=st.integers(min_value=0, max_value=10**6),
    answered=st.sampled_from([0.2, 0.6, 0.95]),
)
def test_random_playbooks_agree_with_outcome_on_every_row(
    rules: int, questions: int, seed: int, answered: float
) -> None:
    definition = generate_playbook(rules, catalogue=CATALOGUE, n_questions=questions, seed=seed, gates=0.1)
    pb = compile_playbook(definition)
    rows = answer_sets(definition, 60, seed=seed, answered=answered)
    assert_agrees(pb, rows)
    assert_agrees(pb, rows, clean=True)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6), clean=st.booleans())
def test_awkward_answers_agree_with_outcome_in_both_modes(seed: int, clean: bool) -> None:
    definition = generate_playbook(60, catalogue=CATALOGUE, n_questions=32, seed=seed, gates=0.1)
    pb = compile_playbook(definition)
    rows = answer_sets(definition, 40, seed=seed)
    _awkward(definition, rows, seed, clean=clean)
    assert_agrees(pb, rows, clean=clean)


def test_batches_longer_than_a_chunk_and_empty_batches(monkeypatch: Any) -> None:
    import apps.playbooks.engine.batch as batch

    monkeypatch.setattr(batch, "CHUNK", 7)
    definition = generate_playbook(80, catalogue=CATALOGUE, n_questions=24, seed=3)
    pb = compile_playbook(definition)
    assert_agrees(pb, answer_sets(definition, 50, seed=4, answered=0.7))
    assert len(score_batch(pb, [])) == 0


def test_one_scorer_over_many_chunks_batches_and_both_modes(monkeypatch: Any) -> None:
    """What a scorer keeps from chunk to chunk (each choice question's answers and their codes, bounded) never
    carries one batch's or mode's answers into another's: clean and raw, stored and unusual, alternating."""
    import apps.playbooks.engine.batch as batch

    monkeypatch.setattr(batch, "CHUNK", 9)
    monkeypatch.setattr(batch, "MEMO_LIMIT", 5)  # past it a question's memo starts afresh: both ways exercised
    definition = generate_playbook(60, catalogue=CATALOGUE, n_questions=24, seed=5, gates=0.1)
    pb = compile_playbook(definition)
    scorer = BatchScorer(pb)
    for seed in range(6):
        rows = answer_sets(definition, 40, seed=seed, answered=0.7)
        clean = seed % 2 == 1
        _awkward(definition, rows, seed, clean=clean)
        assert_agrees(pb, rows, clean=clean, scorer=scorer)
        assert_agrees(pb, answer_sets(definition, 30, seed=100 + seed), clean=not clean, scorer=scorer)


def test_one_scorer_shared_by_threads_keeps_what_it_learns_per_thread() -> None:
    """One scorer per compiled playbook serves every request thread of a process; the tables it grows from chunk
    to chunk are each thread's own, so two threads never add to one at once, and each still agrees."""
    definition = generate_playbook(60, catalogue=CATALOGUE, n_questions=24, seed=8)
    pb = compile_playbook(definition)
    scorer = BatchScorer(pb)
    kept: dict[str, Any] = {}

    def work(name: str, seed: int) -> None:
        rows = answer_sets(definition, 40, seed=seed, answered=0.7)
        assert_agrees(pb, rows, clean=True, scorer=scorer)
        kept[name] = scorer._memos

    work("main", 1)
    thread = threading.Thread(target=work, args=("other", 2))
    thread.start()
    thread.join()
    assert kept["main"] and kept["other"] and kept["main"] is not kept["other"]
    assert scorer._memos is kept["main"]


def test_a_playbook_without_rules_or_kpo_models_scores_the_base() -> None:
    definition = generate_playbook(0, catalogue={**CATALOGUE, "models": {"bpo": {"is_kpo": False}}}, seed=1)
    pb = compile_playbook(definition)
    got = score_batch(pb, answer_sets(definition, 5, seed=2))
    assert {_row(got.outcome(i)) for i in range(5)} == {("conditional", 50, None, 50, 0)}


def test_reference_playbook_agrees_on_every_golden_case_and_thousands_of_answer_sets(reference: Playbook) -> None:
    pb = compiled_playbook(reference)
    cases = list(reference.golden_cases.all())
    assert len(cases) > 20
    golden = [case.answers for case in cases]
    scored = score_batch(pb, golden, clean=True)
    for i, case in enumerate(cases):
        got = scored.outcome(i)
        assert got.verdict == case.expected_verdict or not case.expected_verdict, case.name
        assert got.top_model == case.expected_top_model or not case.expected_top_model, case.name
    assert_agrees(pb, golden, clean=True)
    definition = build_definition(reference)
    rows = answer_sets(definition, 2500, seed=21) + answer_sets(definition, 1000, seed=22, answered=0.5)
    assert_agrees(pb, rows)
    _awkward(definition, rows[:500], 23, clean=True)
    assert_agrees(pb, rows[:500], clean=True)


# Values a column's fast path must not take for what they resemble: NaN among None (both "missing" to numpy),
# an int too large for a float, 1 and 1.0 among booleans (equal to True and hashing alike), lists with
# duplicates, empty or holding a list (unhashable) or a number, a tuple for a list, a string for a list.
MIXED: dict[str, list[Any]] = {
    "single": [None, "o0", "o1", "o0", 1, True, "nope", ["o1"]],
    "multi": [None, ["o0"], ["o1", "o0", "o1"], [], ("o0",), "o1", ["o0", ["o1"]], ["o0", 1]],
    "yes_no": [None, True, False, 1, 0, 1.0, "yes", "maybe"],
    "integer": [None, 3, 3.0, 2.5, float("nan"), 10**400, -(2**60), True, "12"],
    "money": [None, 10, 0.125, 1234.565, float("nan"), float("inf"), False, "$1,250.50"],
    "percent": [None, 50, 99.999, 100.5, float("nan"), -0.0, "40%"],
}


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6), odd_share=st.sampled_from([0.0, 0.01, 0.3]))
def test_columns_mixing_clean_and_unusual_values_agree_with_outcome(seed: int, odd_share: float) -> None:
    """Each column mostly answered as stored, with the odd unusual value (none, one in a hundred, many):
    a column's fast path (every answer of its question's own type) and its slow path must both agree. Raw,
    only the values ``outcome()`` itself can score; rows as read-only mappings, not only dicts."""
    from types import MappingProxyType

    definition = generate_playbook(60, catalogue=CATALOGUE, n_questions=24, seed=seed, gates=0.1)
    pb = compile_playbook(definition)
    rows = answer_sets(definition, 120, seed=seed, answered=0.8)
    rng = random.Random(seed)
    questions = [q for s in definition["sections"] for q in s["questions"]]
    for row in rows:
        for q in questions:
            if rng.random() < odd_share:
                row[q["code"]] = rng.choice(MIXED[q["kind"]])
    assert_agrees(pb, rows, clean=True)
    scoreable = [
        row
        for row in rows
        if all(_scoreable_raw(pb.questions[code].kind, v) for code, v in row.items() if code in pb.questions)
    ]
    assert_agrees(pb, [MappingProxyType(row) for row in scoreable])


def _scoreable_raw(kind: str, value: Any) -> bool:
    """Whether ``outcome()`` scores ``value`` unclean for a question of ``kind`` (as ``AWKWARD``'s values)."""
    if value is None:
        return True
    if kind == "multi":
        return isinstance(value, list | tuple | str) and all(isinstance(v, str) for v in value)
    if kind in ("integer", "money", "percent"):
        return isinstance(value, int | float)
    return not isinstance(value, list)
