"""What would flip it, checked against brute force on small random playbooks (no database)."""

from __future__ import annotations

import ast
import itertools
import threading
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.playbooks.engine import compile_playbook, counterfactuals, evaluate
from apps.playbooks.engine.counterfactuals import search_flips, sensitivity, single_flips, what_would_flip
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
        st.builds(
            lambda v: {"question": "s", "op": "not_one_of", "value": v},
            st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True),
        ),
        st.builds(lambda v: {"question": "y", "op": "equals", "value": v}, st.booleans()),
        st.builds(lambda v: {"question": "n", "op": "not_one_of", "value": [v]}, st.integers(0, 20)),
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
        st.builds(
            lambda v: {"question": "m", "op": "not_one_of", "value": v},
            st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True),
        ),
    )


EFFECT = st.one_of(
    st.builds(lambda p: {"kind": "fit", "points": p}, st.integers(-30, 30)),
    st.builds(
        lambda t, p: {"kind": "model", "target": t, "points": p}, st.sampled_from(["one", "two"]), st.integers(-10, 10)
    ),
    st.just({"kind": "blocker", "text": "Blocked."}),
    st.just({"kind": "gate", "text": "A licence."}),
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
                        {
                            "code": "m",
                            "kind": "multi",
                            "prompt": "M",
                            "options": [{"code": o} for o in OPTIONS],
                            "required": False,
                        },
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
            if result.top_model != base.top_model and result.verdict != "doesnt_win":  # none is recommended then
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


def _changed(answers: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = {**answers, **changes}
    return {k: v for k, v in out.items() if v != []}


def brute_force_combinations(pb: Any, answers: dict[str, Any], k: int) -> set[frozenset[str]]:
    """The sets of ``k`` questions where some change to each, over their whole domains, flips the verdict."""
    base = outcome(pb, answers).verdict
    found = set()
    for codes in itertools.combinations(DOMAINS, k):
        domains = [[v for v in DOMAINS[c] if v != answers[c]] for c in codes]
        if any(outcome(pb, _changed(answers, dict(zip(codes, vs, strict=True)))).verdict != base
               for vs in itertools.product(*domains)):  # fmt: skip
            found.add(frozenset(codes))
    return found


@settings(max_examples=150, deadline=None)
@given(rules=st.lists(RULE, min_size=1, max_size=6), answers=ANSWERS)
def test_the_pair_and_triple_search_is_exhaustive(rules: list[dict[str, Any]], answers: dict[str, Any]) -> None:
    pb = playbook(rules)
    found = search_flips(pb, answers)
    assert found.complete
    if any(f.flips_verdict for f in single_flips(pb, answers)):
        assert found.depth == 1
        return
    for k in (2, 3):
        expected = brute_force_combinations(pb, answers, k)
        shown = [frozenset(c.question for c in f.changes) for f in found.flips if len(f.changes) == k]
        assert set(shown) <= expected  # every combination shown really flips, one per set of questions
        assert len(shown) == len(set(shown)) == min(3, len(expected))
        for flip in (f for f in found.flips if len(f.changes) == k):
            changed = _changed(answers, {c.question: c.value for c in flip.changes})
            assert outcome(pb, changed).verdict == flip.verdict != outcome(pb, answers).verdict
        if expected:
            assert found.depth == k
            return
    assert found.depth == 3


def test_a_pair_of_changes_neither_of_which_moves_anything_alone_is_found() -> None:
    # Only both answers together fire the rule: each change alone moves nothing.
    pb = playbook(
        [
            {
                "match": "all",
                "conditions": [
                    {"question": "s", "op": "equals", "value": "a"},
                    {"question": "y", "op": "equals", "value": True},
                ],
                "effects": [{"kind": "fit", "points": 20}],
            }
        ]
    )
    flips = what_would_flip(pb, {"s": "b", "y": False, "n": 3, "m": []})
    assert [{c.question: c.value for c in f.changes} for f in flips] == [{"s": "a", "y": True}]


def test_three_blockers_are_lifted_by_a_triple_of_changes() -> None:
    blocker = [("s", "a"), ("y", True), ("n", 3)]
    pb = playbook(
        [
            {"match": "all", "conditions": [{"question": q, "op": "equals", "value": v}],
             "effects": [{"kind": "blocker", "text": "Blocked."}]}
            for q, v in blocker
        ]
    )  # fmt: skip
    found = search_flips(pb, {"s": "a", "y": True, "n": 3, "m": []})
    assert (found.depth, found.complete) == (3, True)
    assert [{c.question for c in f.changes} for f in found.flips] == [{"s", "y", "n"}]


def test_triples_past_the_counted_limit_are_not_searched_and_the_search_says_so(monkeypatch: Any) -> None:
    blocker = [("s", "a"), ("y", True), ("n", 3)]
    pb = playbook(
        [
            {"match": "all", "conditions": [{"question": q, "op": "equals", "value": v}],
             "effects": [{"kind": "blocker", "text": "Blocked."}]}
            for q, v in blocker
        ]
    )  # fmt: skip
    found = search_flips(pb, {"s": "a", "y": True, "n": 3, "m": []})
    monkeypatch.setattr(counterfactuals, "MAX_TRIPLES", found.triples - 1)
    limited = search_flips(pb, {"s": "a", "y": True, "n": 3, "m": []})
    assert (limited.flips, limited.depth, limited.complete, limited.triples) == ((), 2, False, 0)


def test_values_that_every_condition_sees_alike_are_tried_once() -> None:
    # "n" is read only as n >= 10: of the breakpoints 9, 10 and 11 only one side of the threshold is a change.
    pb = playbook(
        [
            {
                "match": "all",
                "conditions": [{"question": "n", "op": "at_least", "value": 10}],
                "effects": [{"kind": "fit", "points": 20}],
            }
        ]
    )
    search = counterfactuals._search(pb, {"s": "a", "y": True, "n": 3, "m": []})
    assert [(c.question, c.value) for c in search.singles] == [("n", 10)]


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


# The search is exhaustive (bounded by counted work for triples), so it gives the same answer on any machine
# under any load.


def _last_pair_lifts_the_blockers(ballast: int) -> tuple[Any, dict[str, Any], int]:
    """A playbook where only the last pair the search tries flips the verdict: ``n`` yes/no questions,
    each moving the score on its own, the last two each lifting one of two blockers. ``ballast`` hidden
    questions make every re-score slower without adding candidates."""
    n = 90  # 4,005 pairs: more than the 3,000 the search used to stop after
    questions = [{"code": f"q{i}", "kind": "yes_no", "prompt": f"Q{i}"} for i in range(n)]
    hidden = [{"question": "q0", "op": "equals", "value": True}, {"question": "q0", "op": "equals", "value": False}]
    questions += [
        {"code": f"h{i}", "kind": "yes_no", "prompt": f"H{i}", "conditions": hidden, "visible_when": "all"}
        for i in range(ballast)
    ]
    rules = [
        {"code": f"r{i}", "name": f"R{i}", "conditions": [{"question": f"q{i}", "op": "equals", "value": True}],
         "effects": [{"kind": "fit", "points": 1}]}
        for i in range(n - 2)
    ] + [
        {"code": f"b{i}", "name": f"B{i}", "conditions": [{"question": f"q{i}", "op": "equals", "value": False}],
         "effects": [{"kind": "blocker", "text": "Blocked."}]}
        for i in (n - 2, n - 1)
    ]  # fmt: skip
    pb = compile_playbook(
        {"playbook": {"id": 1, "version": 1, "title": "t"}, "sections": [{"code": "x", "questions": questions}],
         "rules": rules, "catalogue": CATALOGUE}
    )  # fmt: skip
    return pb, {f"q{i}": False for i in range(n)}, n


def test_the_pair_search_tries_every_pair() -> None:
    pb, answers, n = _last_pair_lifts_the_blockers(ballast=0)
    found = search_flips(pb, answers)
    assert (found.pairs, found.depth, found.complete) == (n * (n - 1) // 2, 2, True)
    assert [{c.question for c in f.changes} for f in found.flips] == [{f"q{n - 2}", f"q{n - 1}"}]


def test_what_would_flip_gives_the_same_pairs_with_the_cpu_busy() -> None:
    # Hidden questions make every re-score slower: the search must still try every pair, idle or busy.
    pb, answers, n = _last_pair_lifts_the_blockers(ballast=150)
    idle = what_would_flip(pb, answers)
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(1000))

    spinners = [threading.Thread(target=spin, daemon=True) for _ in range(3)]
    for t in spinners:
        t.start()
    try:
        busy = what_would_flip(pb, answers)
    finally:
        stop.set()
        for t in spinners:
            t.join()
    assert busy == idle
    assert [{c.question for c in f.changes} for f in idle] == [{f"q{n - 2}", f"q{n - 1}"}]


def test_the_engine_reads_no_clock_and_draws_no_unseeded_random_numbers() -> None:
    engine = Path(compile_playbook.__code__.co_filename).parent
    for path in sorted(engine.glob("*.py")):
        tree = ast.parse(path.read_text())
        imported = {a.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not imported & {"time", "datetime", "random", "secrets", "uuid"}, path.name


def test_a_flip_to_on_conditions_at_a_winning_score_says_what_holds_it_there() -> None:
    # Review 81: "KPO wins, on conditions (fit 100)" beside a "KPO wins" at fit 100 read as no change at all.
    from apps.playbooks.engine.counterfactuals import Change, Flip

    change = Change("work_language", "Which language must the team work in?", "“None”", "“German”", "german")
    gated = Flip((change,), "conditional", 100, "captive-team", True, False)
    assert "(fit 100, enough to win, but with something to settle before it holds)" in gated.sentence({}, 65)
    below = Flip((change,), "conditional", 50, "captive-team", True, False)
    assert "(fit 50)." in below.sentence({}, 65)
    assert "(fit 100)." in gated.sentence({})  # no threshold given: as before


def test_a_required_question_is_never_left_unanswered_to_flip_the_verdict() -> None:
    # Ticking no option of a required multiple-choice question is no change a buyer can make (submit refuses it),
    # so the search never offers it, though it alone would lift the blocker; the optional form of the same
    # question is offered it ("unanswered"), as before (review 138).
    rules = [
        {"match": "any", "conditions": [{"question": "m", "op": "contains_any", "value": ["a", "b", "c"]}],
         "effects": [{"kind": "blocker", "text": "Blocked."}]}
    ]  # fmt: skip
    answers = {"s": "a", "y": True, "n": 3, "m": ["a"]}
    optional = search_flips(playbook(rules), answers)
    assert [[(c.question, c.after) for c in f.changes] for f in optional.flips] == [[("m", "unanswered")]]
    pb = compile_playbook(
        {
            "playbook": {"id": 1, "version": 1, "title": "t"},
            "sections": [
                {
                    "code": "x",
                    "questions": [
                        {"code": "s", "kind": "single", "prompt": "S", "options": [{"code": o} for o in OPTIONS]},
                        {"code": "m", "kind": "multi", "prompt": "M", "options": [{"code": o} for o in OPTIONS]},
                    ],
                }
            ],
            "rules": [{"code": "r0", "name": "R0", "rationale": "", **rules[0]}],
            "catalogue": CATALOGUE,
        }
    )
    found = search_flips(pb, {"s": "a", "m": ["a"]})
    assert all(c.after != "unanswered" for f in found.flips for c in f.changes)
    assert found.flips == () and found.complete
    assert all(c.value != [] for c in counterfactuals.candidates(pb, {"s": "a", "m": ["a"]}, ["s", "m"]))


def test_a_required_multiple_choice_offers_its_next_selection_where_no_option_ticked_would_flip() -> None:
    # Ticking none and ticking "b" alone lift the blocker alike; none is no change a buyer can make to a required
    # question, so "b" stands for the pair (the bench's brute force found the flip the search had dropped).
    rule = {"code": "r0", "name": "R0", "rationale": "", "match": "all",
            "conditions": [{"question": "m", "op": "contains_any", "value": ["a"]}],
            "effects": [{"kind": "blocker", "text": "Blocked."}]}  # fmt: skip
    pb = compile_playbook(
        {
            "playbook": {"id": 1, "version": 1, "title": "t"},
            "sections": [
                {
                    "code": "x",
                    "questions": [
                        {"code": "m", "kind": "multi", "prompt": "M", "options": [{"code": o} for o in OPTIONS]},
                    ],
                }
            ],
            "rules": [rule],
            "catalogue": CATALOGUE,
        }
    )
    found = search_flips(pb, {"m": ["a"]})
    assert [[c.value for c in f.changes] for f in found.flips] == [[["b"]]]


def test_two_numbers_either_side_of_one_threshold_are_one_change_the_nearest(reference: Any, db: None) -> None:
    # Review 154: against 12,000 hours a year, 999 and 1,000 were both listed as making managed services rank first.
    from apps.playbooks.engine import clean_answers
    from apps.playbooks.models import Playbook as _Playbook
    from apps.playbooks.runtime import compiled_playbook

    assert isinstance(reference, _Playbook)
    compiled = compiled_playbook(reference)
    answers = dict(reference.golden_cases.get(name__startswith="US hedge fund").answers)
    answers, problems = clean_answers(compiled.questions, {**answers, "annual_hours": 12000, "team_size": 6})
    assert not problems
    flips = single_flips(compiled, answers)
    seen: dict[tuple[object, ...], object] = {}
    for f in flips:
        (change,) = f.changes
        if isinstance(change.value, int | float) and not isinstance(change.value, bool):
            key = (change.question, f.verdict, f.top_model, f.flips_verdict, f.flips_model)
            assert key not in seen, (change.value, seen[key])
            seen[key] = change.value
    hours = [f.changes[0].value for f in flips if f.changes[0].question == "annual_hours"]
    assert hours and 999 not in hours, hours
