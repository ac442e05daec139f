"""Answers packed by the playbook they were scored on (``engine.packed``) give back exactly what was packed,
refuse what they could not give back, and score on another playbook (a draft) exactly as ``outcome()`` scores
the answers cleaned for it."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.playbooks.engine import clean_answers, compile_playbook
from apps.playbooks.engine.batch import BatchScorer
from apps.playbooks.engine.evaluate import outcome
from apps.playbooks.engine.packed import layout
from bench.playbooks import answer_sets, generate_playbook
from tests.playbooks.test_batch import CATALOGUE, _row


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    draft_seed=st.integers(min_value=0, max_value=10**6),
    answered=st.sampled_from([0.3, 0.9]),
)
def test_packed_answers_score_on_another_playbook_as_outcome_does(seed: int, draft_seed: int, answered: float) -> None:
    # Two generated playbooks share question codes with other kinds, options and bounds: every way a draft
    # can differ from the playbook the answers were stored under.
    source_definition = generate_playbook(40, catalogue=CATALOGUE, n_questions=24, seed=seed)
    source = compile_playbook(source_definition)
    draft = compile_playbook(generate_playbook(60, catalogue=CATALOGUE, n_questions=30, seed=draft_seed, gates=0.1))
    stored = [
        clean_answers(source.questions, a)[0] for a in answer_sets(source_definition, 50, seed=seed, answered=answered)
    ]
    packing = layout(source)
    data = [packing.pack(a) for a in stored]
    assert all(d is not None for d in data)
    assert [packing.unpack(d) for d in data if d is not None] == stored
    records = np.frombuffer(b"".join(d for d in data if d is not None), packing.dtype)
    scorer = BatchScorer(draft)
    got = scorer.score_encoded(scorer.encode_packed(packing, records))
    for i, answers in enumerate(stored):
        expected = outcome(draft, clean_answers(draft.questions, answers, ignore_unknown=True)[0])
        assert _row(got.outcome(i)) == _row(expected), (i, answers)


@settings(max_examples=20, deadline=None)
@given(
    seeds=st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=2, unique=True),
    draft_seed=st.integers(min_value=0, max_value=10**6),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=4),
)
def test_one_scorer_gives_outcome_chunk_after_chunk(seeds: list[int], draft_seed: int, cuts: list[int]) -> None:
    # The scorer keeps what it worked out per value from chunk to chunk (each packed field's cleaned values, each
    # condition's truth table): chunks of any size, bringing new values or none, packed by two layouts in turn and
    # mixed with answers from dictionaries, all score as outcome() does.
    draft = compile_playbook(generate_playbook(60, catalogue=CATALOGUE, n_questions=30, seed=draft_seed, gates=0.1))
    scorer = BatchScorer(draft)
    sources = []
    for seed in seeds:
        definition = generate_playbook(40, catalogue=CATALOGUE, n_questions=24, seed=seed)
        source = compile_playbook(definition)
        stored = [clean_answers(source.questions, a)[0] for a in answer_sets(definition, 60, seed=seed, answered=0.7)]
        packing = layout(source)
        records = np.frombuffer(b"".join(packing.pack(a) or b"" for a in stored), packing.dtype)
        sources.append((packing, records, stored))
    bounds = sorted({0, *cuts, 60})
    for low, high in [*zip(bounds, bounds[1:], strict=False), (0, 60)]:
        for packing, records, stored in sources:
            got = scorer.score_encoded(scorer.encode_packed(packing, records[low:high]))
            from_dictionaries = scorer.score(stored[low:high], clean=True)
            for i, answers in enumerate(stored[low:high]):
                expected = _row(outcome(draft, clean_answers(draft.questions, answers, ignore_unknown=True)[0]))
                assert _row(got.outcome(i)) == expected == _row(from_dictionaries.outcome(i)), (low + i, answers)


def test_answers_a_record_would_not_give_back_exactly_are_not_packed() -> None:
    definition = generate_playbook(10, catalogue=CATALOGUE, n_questions=24, seed=5)
    pb = compile_playbook(definition)
    packing = layout(pb)
    by_kind: dict[str, str] = {}
    for q in pb.questions.values():
        by_kind.setdefault(q.kind, q.code)
    odd: dict[str, list[Any]] = {
        "single": ["not-an-option", 1],
        "multi": [["o1", "o0"], ["o0", "o0"], [], "o0"],
        "yes_no": [1, "yes"],
        "integer": [2.0, True, 2**53 + 1, float("nan")],
        "money": [5, float("inf")],
        "percent": ["40"],
    }
    for kind, values in odd.items():
        if kind in by_kind:
            for value in values:
                assert packing.pack({by_kind[kind]: value}) is None, (kind, value)
    assert packing.pack({"no_such_question": "x"}) is None
    assert packing.unpack(packing.pack({}) or b"") == {}
    assert layout(compile_playbook(definition)).digest == packing.digest
