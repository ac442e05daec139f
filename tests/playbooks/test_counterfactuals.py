"""What would flip it, checked against brute force on small random playbooks (no database)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.counterfactuals import sensitivity, single_flips, what_would_flip
from apps.playbooks.engine.evaluate import outcome

OPTIONS = ["a", "b", "c"]
DOMAINS: dict[str, list[Any]] = {
    "s": OPTIONS,
    "y": [True, False],
    "n": list(range(0, 21)),
    "m": [list(x) for r in range(4) for x in itertools.combinations(OPTIONS, r)],
}
CATALOGUE = {"models": {"one": {"name": "One", "order": 1}, "two": {"name": "Two", "order": 2}}}


def condition() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda v: {"question": "s", "op": "equals", "value": v}, st.sampled_from(OPTIONS)),
        st.builds(
            lambda v: {"question": "s", "op": "one_of", "value": v},
            st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True),
        ),
        st.builds(lambda v: {"question": "y", "op": "equals", "value": v}, st.booleans()),
        st.builds(lambda v: {"question": "n", "op": "at_least", "value": v}, st.integers(0, 20)),
        st.builds(lambda v: {"question": "n", "op": "at_most", "value": v}, st.integers(0, 20)),
        st.builds(
            lambda a, b: {"question": "n", "op": "between", "value": sorted([a, b])},
            st.integers(0, 20),
            st.integers(0, 20),
        ),
        st.builds(
            lambda v: {"question": "m", "op": "contains_any", "value": v},
            st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True),
        ),
        st.builds(
            lambda v: {"question": "m", "op": "contains_all", "value": v},
            st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True),
        ),
    )


EFFECT = st.one_of(
    st.builds(lambda p: {"kind": "fit", "points": p}, st.integers(-30, 30)),
    st.builds(
        lambda t, p: {"kind": "model", "target": t, "points": p}, st.sampled_from(["one", "two"]), st.integers(-10, 10)
    ),
    st.just({"kind": "blocker", "text": "Blocked."}),
)
RULE = st.fixed_dictionaries(
    {
        "match": st.sampled_from(["all", "any"]),
        "conditions": st.lists(condition(), min_size=1, max_size=2),
        "effects": st.lists(EFFECT, min_size=1, max_size=2),
    }
)


def playbook(rules: list[dict[str, Any]]) -> Any:
    return compile_playbook(
        {
            "playbook": {"id": 1, "version": 1, "title": "t"},
            "sections": [
                {
                    "code": "x",
                    "questions": [
                        {"code": "s", "kind": "single", "prompt": "S", "options": [{"code": o} for o in OPTIONS]},
                        {"code": "y", "kind": "yes_no", "prompt": "Y"},
                        {"code": "n", "kind": "integer", "prompt": "N", "min": 0, "max": 20},
                        {"code": "m", "kind": "multi", "prompt": "M", "options": [{"code": o} for o in OPTIONS]},
                    ],
                }
            ],
            "rules": [{"code": f"r{i}", "name": f"R{i}", "rationale": "", **r} for i, r in enumerate(rules)],
            "catalogue": CATALOGUE,
        }
    )


ANSWERS = st.fixed_dictionaries(
    {"s": st.sampled_from(OPTIONS), "y": st.booleans(), "n": st.integers(0, 20), "m": st.sampled_from(DOMAINS["m"])}
)


def brute_force(pb: Any, answers: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Questions where some single change, over the question's whole domain, flips the verdict / top model."""
    base = outcome(pb, answers)
    verdict, model = set(), set()
    for code, domain in DOMAINS.items():
        for value in domain:
            if value == answers[code]:
                continue
            changed = {**answers, code: value} if value != [] else {k: v for k, v in answers.items() if k != code}
            result = outcome(pb, changed)
            if result.verdict != base.verdict:
                verdict.add(code)
            if result.top_model != base.top_model:
                model.add(code)
    return verdict, model


@settings(max_examples=200, deadline=None)
@given(rules=st.lists(RULE, min_size=1, max_size=5), answers=ANSWERS)
def test_single_flips_find_exactly_the_questions_brute_force_finds(
    rules: list[dict[str, Any]], answers: dict[str, Any]
) -> None:
    pb = playbook(rules)
    flips = single_flips(pb, answers)
    found_verdict = {f.changes[0].question for f in flips if f.flips_verdict}
    found_model = {f.changes[0].question for f in flips if f.flips_model}
    assert (found_verdict, found_model) == brute_force(pb, answers)
    for flip in flips:  # every reported flip is real
        changed = dict(answers)
        changed[flip.changes[0].question] = flip.changes[0].value
        assert evaluate(pb, changed).verdict == flip.verdict


@settings(max_examples=100, deadline=None)
@given(rules=st.lists(RULE, min_size=1, max_size=5), answers=ANSWERS)
def test_pairs_are_only_offered_when_no_single_change_flips_the_verdict(
    rules: list[dict[str, Any]], answers: dict[str, Any]
) -> None:
    pb = playbook(rules)
    flips = what_would_flip(pb, answers)
    singles_flip = any(f.flips_verdict for f in single_flips(pb, answers))
    if singles_flip:
        assert all(len(f.changes) == 1 for f in flips)
    for flip in flips:
        changed = dict(answers)
        for c in flip.changes:
            changed[c.question] = c.value
        assert outcome(pb, changed).verdict == flip.verdict


def test_a_flip_reads_as_a_sentence() -> None:
    pb = playbook(
        [
            {
                "match": "all",
                "conditions": [{"question": "s", "op": "equals", "value": "a"}],
                "effects": [{"kind": "fit", "points": 20}],
            }
        ]
    )
    flips = what_would_flip(pb, {"s": "b", "y": True, "n": 3, "m": []})
    assert [f.sentence(CATALOGUE["models"]) for f in flips] == [
        "If “S” were “a” instead of “b”, the verdict would be “KPO wins” (fit 70)."
    ]


def test_sensitivity_ranks_answers_by_how_far_they_move_the_score() -> None:
    pb = playbook(
        [
            {
                "match": "all",
                "conditions": [{"question": "s", "op": "equals", "value": "a"}],
                "effects": [{"kind": "fit", "points": 20}],
            },
            {
                "match": "all",
                "conditions": [{"question": "y", "op": "equals", "value": True}],
                "effects": [{"kind": "fit", "points": -5}],
            },
        ]
    )
    rows = sensitivity(pb, {"s": "a", "y": True, "n": 3, "m": []})
    assert [(r.question, r.low, r.high) for r in rows] == [("s", 45, 65), ("y", 65, 70)]


def test_two_blockers_are_lifted_by_a_pair_of_changes() -> None:
    blockers = [
        {
            "match": "all",
            "conditions": [{"question": "s", "op": "equals", "value": "a"}],
            "effects": [{"kind": "blocker", "text": "A."}],
        },
        {
            "match": "all",
            "conditions": [{"question": "y", "op": "equals", "value": True}],
            "effects": [{"kind": "blocker", "text": "Y."}],
        },
        {
            "match": "all",
            "conditions": [{"question": "n", "op": "at_least", "value": 0}],
            "effects": [{"kind": "fit", "points": 20}],
        },
    ]
    pb = playbook(blockers)
    flips = what_would_flip(pb, {"s": "a", "y": True, "n": 3, "m": []})
    pairs = [f for f in flips if len(f.changes) == 2]
    assert pairs and pairs[0].verdict == "wins"
    assert {c.question for c in pairs[0].changes} == {"s", "y"}
