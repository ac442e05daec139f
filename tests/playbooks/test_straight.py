"""The single call as generated code (engine/straight.py): the same results as the tally of the answers
that count, whatever the curator named things and whatever the answers hold."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import pytest

from apps.playbooks.engine import compile_playbook
from apps.playbooks.engine import straight as straight_module
from apps.playbooks.engine.compiler import CompiledPlaybook, rule_index
from apps.playbooks.engine.scoring import bare, counted_index
from apps.playbooks.engine.single import GENERATE_AFTER, blocked_bits, counted_plan, fired, single, straight
from apps.playbooks.engine.straight import build
from apps.playbooks.engine.visibility import counted_answers

CATALOGUE: dict[str, Any] = {
    "models": {
        "captive-team": {"name": "Captive team", "is_kpo": True, "ramp_up_months": 6},
        "project": {"name": "Project", "is_kpo": True, "ramp_up_months": 1},
        "shared-pool": {"name": "Shared pool", "is_kpo": True, "ramp_up_months": 1},
        "bpo": {"name": "BPO", "is_kpo": False},
    },
}

# Codes and option values a curator could type, each of which would run or break code if pasted into
# source text: a quote closing a string, a newline and a statement, the generated code's own names.
TOUCH = "__import__('pathlib').Path('PWNED').touch()"
HOSTILE = {
    "choice": f"x'); {TOUCH}; ('",
    "flag": f'k0"]\n{TOUCH}\n#',
    "number": "b",
    "multi": "get",
    "money": "answers",
    "late": "s",
    "follow": "K[0]",
    "share": "v6",
    "after": "b2",
}
OPTIONS = [f"'); {TOUCH}; ('", '"""', "\\", "o\nimport os", "k1", "None", "0", "{}"]
MANY = [f"m{i}'" for i in range(11)]  # more options than are looked up in advance


def q(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    question: dict[str, Any] = {"code": HOSTILE[key], "kind": kind, "prompt": key, "required": False, **extra}
    if kind == "single":
        question["options"] = [{"code": o} for o in OPTIONS]
    if kind == "multi":
        question["options"] = [{"code": o} for o in MANY]
    return question


def cond(key: str, op: str, value: Any = None) -> dict[str, Any]:
    return {"question": HOSTILE[key], "op": op, "value": value}


def rule(code: str, conditions: list[dict[str, Any]], match: str = "all", **effect: Any) -> dict[str, Any]:
    return {"code": code, "match": match, "conditions": conditions, "effects": [effect]}


def hostile_definition() -> dict[str, Any]:
    sections = [
        {
            "code": "first",
            "questions": [
                q("choice", "single"),
                q("flag", "yes_no"),
                q("number", "integer"),
                q("multi", "multi"),
                q("money", "money", conditions=[cond("flag", "equals", True)]),
                q("share", "percent"),
            ],
        },
        {  # shown when any of two conditions holds
            "code": "second",
            "visible_when": "any",
            "conditions": [cond("choice", "one_of", OPTIONS[:3]), cond("multi", "contains_all", MANY[:2])],
            "questions": [
                q("late", "single", conditions=[cond("number", "between", [5, 50]), cond("money", "not_answered")]),
                q("follow", "yes_no", visible_when="any", conditions=[cond("late", "equals", OPTIONS[0])]),
                q("after", "yes_no", conditions=[cond("late", "not_one_of", OPTIONS[:1])]),  # shown on no answer too
            ],
        },
        {  # shown on a number; no rule reads its question
            "code": "third",
            "conditions": [cond("number", "at_least", 10)],
            "questions": [{"code": "unread", "kind": "yes_no", "prompt": "unread", "required": False}],
        },
    ]
    rules = [
        rule("r1", [cond("choice", "equals", OPTIONS[0])], kind="fit", points=12),
        rule("r2", [cond("choice", "none_of", OPTIONS[:2]), cond("flag", "equals", False)], kind="fit", points=-7),
        rule("r3", [cond("number", "at_most", 20), cond("money", "at_least", 1000.5)], "any", kind="fit", points=9),
        rule("r4", [cond("multi", "contains_any", MANY[3:6])], kind="model", target="project", points=4),
        rule("r5", [cond("multi", "equals", MANY[:2]), cond("late", "answered")], kind="model", target="shared-pool"),
        rule("r6", [cond("late", "one_of", OPTIONS[:4])], kind="model", target="captive-team", points=5),
        rule("r7", [cond("follow", "equals", True)], kind="blocker", text="Blocked."),
        rule("r8", [cond("late", "not_answered"), cond("number", "between", [0, 3])], "any", kind="fit", points=-20),
        rule("r9", [cond("money", "equals", 250.0)], kind="fit", points=3),  # a choice operator on a number
        rule("r10", [cond("multi", "none_of", MANY[8:])], kind="model", target="bpo", points=50),
        rule("r11", [cond("share", "between", [10, 60.5])], kind="fit", points=4),
        rule("r12", [cond("share", "at_most", 5), cond("flag", "equals", True)], kind="fit", points=-4),
        rule("r13", [cond("share", "at_least", 50)], kind="model", target="project", points=3),
        rule("r14", [cond("multi", "contains_any", MANY[:3])], kind="gate", text="A licence."),
        # "none of these, or unanswered": on a choice in a section that may be hidden, a multiple choice and a number
        rule("r15", [cond("late", "not_one_of", OPTIONS[:2])], kind="model", target="project", points=6),
        rule(
            "r16", [cond("multi", "not_one_of", MANY[:2]), cond("money", "not_one_of", [250.0])], kind="fit", points=5
        ),
        rule("r17", [cond("follow", "not_one_of", [True]), cond("choice", "none_of", OPTIONS[:1])], "any", kind="fit"),
        rule("r18", [cond("after", "equals", True)], kind="fit", points=-3),
    ]
    for r in rules:
        r["effects"][0].setdefault("points", 2)
    return {"playbook": {"version": 1}, "sections": sections, "rules": rules, "catalogue": CATALOGUE}


ODD: list[Callable[[random.Random], Any]] = [
    lambda rng: "not-an-option",
    lambda rng: 7,
    lambda rng: True,
    lambda rng: math.nan,
    lambda rng: 12.5,
    lambda rng: (MANY[1], MANY[0]),
    lambda rng: "m1'",
    lambda rng: [OPTIONS[0]],
]


def value(rng: random.Random, question: Mapping[str, Any]) -> Any:
    kind = question["kind"]
    if kind == "single":
        return rng.choice(OPTIONS)
    if kind == "multi":
        return [o for o in MANY if rng.random() < 0.3]
    if kind == "yes_no":
        return rng.random() < 0.5
    if kind == "money":
        return rng.choice([250.0, 1000.5, 999.0, 5000.25])
    if kind == "percent":
        return rng.choice([0.0, 5.0, 5.01, 10.0, 60.5, 60.51, 99.0])
    return rng.randint(0, 60)


def answer_sets(definition: Mapping[str, Any], n: int, *, odd: float) -> list[dict[str, Any]]:
    rng = random.Random(21)
    questions = [question for s in definition["sections"] for question in s["questions"]]
    out = []
    for _ in range(n):
        answers = {}
        for question in questions:
            if rng.random() < 0.8:
                answers[question["code"]] = rng.choice(ODD)(rng) if rng.random() < odd else value(rng, question)
        out.append(answers)
    return out


def result(call: Callable[[], Any]) -> Any:
    """The call's result, or the kind of error it raised (both paths must raise alike)."""
    try:
        return call()
    except (TypeError, ValueError) as exc:
        return type(exc)


@pytest.fixture
def playbook(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> CompiledPlaybook:
    monkeypatch.chdir(tmp_path)  # where the hostile codes would leave their file if they ever ran
    return compile_playbook(hostile_definition())


def test_no_code_or_option_of_the_curator_reaches_the_generated_source(playbook: CompiledPlaybook) -> None:
    source = straight(playbook).source
    for text in [*HOSTILE.values(), *OPTIONS, *MANY]:
        assert repr(text) not in source
    for text in ("PWNED", "pathlib", "import os", '"""'):
        assert text not in source


def test_hostile_codes_score_as_the_tally_of_the_answers_that_count(playbook: CompiledPlaybook, tmp_path: Any) -> None:
    index = rule_index(playbook)
    sets = answer_sets(hostile_definition(), 400, odd=0.0) + answer_sets(hostile_definition(), 400, odd=0.25)
    generated = straight(playbook)
    for answers in sets:
        expected = result(lambda a=answers: bare(playbook, counted_answers(playbook, a)))
        assert result(partial(generated.single, answers)) == expected
        assert result(lambda a=answers: single(playbook, a)) == expected  # the plan's loop, then generated
        heads = result(lambda a=answers: index.fired(counted_answers(playbook, a)))
        assert result(lambda a=answers: index.surviving(generated.blocked(a))) == heads
        assert result(lambda a=answers: fired(playbook, a)) == heads
    assert not (tmp_path / "PWNED").exists()
    # The sets exercise every branch: hidden and shown sections, each verdict.
    verdicts = {single(playbook, a)[0] for a in sets[:400]}
    assert verdicts == {"wins", "conditional", "doesnt_win"}


def test_a_playbook_serves_calls_through_the_loop_until_its_function_is_worth_generating(
    playbook: CompiledPlaybook,
) -> None:
    answers = {HOSTILE["choice"]: OPTIONS[0], HOSTILE["number"]: 4}
    for _ in range(GENERATE_AFTER):
        assert single(playbook, answers) == bare(playbook, counted_answers(playbook, answers))
    assert rule_index(playbook).straight is None
    assert single(playbook, answers) == bare(playbook, counted_answers(playbook, answers))
    assert rule_index(playbook).straight is not None


def test_a_value_met_once_is_looked_up_from_then_on(playbook: CompiledPlaybook) -> None:
    slow: list[Mapping[str, Any]] = []
    plan = counted_plan(playbook)

    def fallback(answers: Mapping[str, Any]) -> int:
        slow.append(answers)
        return blocked_bits(plan, answers)

    call = build(playbook, (counted_index(playbook), fallback), (rule_index(playbook), fallback)).single
    subset = {HOSTILE["multi"]: MANY[::2], HOSTILE["choice"]: "not-an-option"}  # 11 options: learned
    assert call(subset) == bare(playbook, counted_answers(playbook, subset))
    assert call(subset) == bare(playbook, counted_answers(playbook, subset))
    assert len(slow) == 1
    unhashable = {HOSTILE["choice"]: [OPTIONS[2]]}  # a list where one option belongs: the slow way each time
    assert result(partial(call, unhashable)) == result(lambda: bare(playbook, counted_answers(playbook, unhashable)))
    assert result(partial(call, unhashable)) == result(lambda: bare(playbook, counted_answers(playbook, unhashable)))
    assert len(slow) == 3


def test_a_hidden_section_no_rule_reads_still_compiles(playbook: CompiledPlaybook) -> None:
    answers = {HOSTILE["number"]: 40, "unread": True}
    assert straight(playbook).single(answers) == bare(playbook, counted_answers(playbook, answers))


def ranges_definition() -> dict[str, Any]:
    """Numbers read by many ranges, for rules and for visibility, sharing and interleaving their bounds; and
    rules that add nothing an outcome counts (a location, a regime, a risk) reading questions of their own."""
    bounds = [0, 3, 3, 7.5, 10, 10, 12, 40, 40.25, 100]
    number = {"code": "n", "kind": "integer", "prompt": "n", "required": False}
    money = {"code": "m", "kind": "money", "prompt": "m", "required": False}
    rules = []
    for i, low in enumerate(bounds):
        high = bounds[-1 - i]
        for code in ("n", "m"):
            rules += [
                rule(f"{code}l{i}", [{"question": code, "op": "at_least", "value": low}], kind="fit", points=i + 1),
                rule(f"{code}h{i}", [{"question": code, "op": "at_most", "value": low}], kind="fit", points=-i - 2),
                rule(
                    f"{code}b{i}",
                    [{"question": code, "op": "between", "value": sorted([low, high])}],
                    kind="model",
                    target=("project", "shared-pool", "captive-team")[i % 3],
                    points=i % 4 + 1,
                ),
            ]
    follow = {"question": "n", "op": "between", "value": [3, 40]}
    rules += [
        rule("late", [{"question": "late", "op": "equals", "value": True}], kind="blocker", text="Blocked."),
        rule("where", [{"question": "aside", "op": "at_least", "value": 5}], kind="location", target="x", points=3),
    ]
    sections = [
        {"code": "a", "questions": [number, money]},
        {
            "code": "b",
            "visible_when": "any",
            "conditions": [follow, {"question": "m", "op": "at_most", "value": 10}],
            "questions": [
                {"code": "late", "kind": "yes_no", "prompt": "late", "required": False},
                {"code": "aside", "kind": "integer", "prompt": "aside", "required": False},
            ],
        },
    ]
    catalogue = {**CATALOGUE, "locations": {"x": {"name": "X"}}}
    return {"playbook": {"version": 1}, "sections": sections, "rules": rules, "catalogue": catalogue}


@pytest.mark.parametrize("tree_cuts", [straight_module.TREE_CUTS, 0])
def test_numbers_at_and_around_every_bound_score_as_the_tally(tree_cuts: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Both ways to find a number's stretch: the tree of comparisons, and the bisections past TREE_CUTS cuts.
    monkeypatch.setattr(straight_module, "TREE_CUTS", tree_cuts)
    playbook = compile_playbook(ranges_definition())
    index = rule_index(playbook)
    generated = straight(playbook)
    values: list[Any] = [None, True, math.nan, math.inf, -math.inf, 10**20, -(10**20), 2**53 + 1]
    for bound in (0, 3, 7.5, 10, 12, 40, 40.25, 100):
        values += [bound, bound - 1, bound + 1, bound - 0.25, bound + 0.25, int(bound), float(bound)]
    rng = random.Random(5)
    sets = [{"n": n, "m": m, "late": rng.random() < 0.5, "aside": 6} for n in values for m in values]
    for answers in sets:
        expected = result(lambda a=answers: bare(playbook, counted_answers(playbook, a)))
        assert result(partial(generated.single, answers)) == expected
        heads = result(lambda a=answers: index.fired(counted_answers(playbook, a)))
        assert result(lambda a=answers: index.surviving(generated.blocked(a))) == heads
    # The blocker's question is read only where section b shows, so both sides of its condition are met.
    assert {generated.single(a)[4] for a in sets} == {0, 1}
