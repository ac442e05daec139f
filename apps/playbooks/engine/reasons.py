"""A fired rule's conditions as the buyer reads them, the "Because" of the result page: only questions the buyer
saw, in plain words.

``Condition.describe`` is the curator's reading (every condition, operators as written: "is at least 1001", "is
not … (or unanswered)"). A buyer reads the same rule against their own answers: a condition on a question they
never saw or left unanswered is not a reason they gave, so it is left out (one on a question shown and left
unanswered on purpose, ``not_answered``, is said as such); a list of options is cut to the ones they chose; and a
threshold reads as a person writes it ("more than 1,000 hours a year", "at most 1 hour per person per week").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from apps.common.formatting import listed, number
from apps.playbooks.engine.types import MULTI, YES_NO, Condition, Question

# A unit's first word for one of it: "1 hour per person per week", not "1 hours".
_ONE = {"hours": "hour", "people": "person", "years": "year", "weeks": "week", "deliverables": "deliverable"}
NEGATIONS = ("none_of", "not_one_of")
# Conditions whose words read only whether the question was answered, never the answer: a threshold or the options
# a rule excludes are said from the rule (``said``).
SAID_FROM_THE_RULE = frozenset(("at_least", "at_most", "between", *NEGATIONS))


def because(
    questions: Mapping[str, Question],
    conditions: Iterable[Condition],
    answers: Mapping[str, Any],
    visible: Collection[str],
) -> tuple[str, ...]:
    """The conditions of a fired rule in words, those on questions the buyer did not answer left out (``answers``:
    the answers that count, to visible questions; ``visible``: the questions shown)."""
    return tuple(text for cond in conditions if (text := condition_said(questions, cond, answers, visible)))


def condition_said(
    questions: Mapping[str, Question], cond: Condition, answers: Mapping[str, Any], visible: Collection[str]
) -> str | None:
    """One condition of ``because``: its words, or None when it says nothing the buyer told us (or its question
    is not in the playbook)."""
    question = questions.get(cond.question)
    if question is None:
        return None
    return said(cond, question, answers.get(cond.question), shown=cond.question in visible)


def said(cond: Condition, question: Question, answer: Any, *, shown: bool = True) -> str | None:
    """One condition that holds, in the buyer's words, or None when it says nothing the buyer told us."""
    prompt = f"“{question.prompt}”"
    if answer is None:
        # Left unanswered on a question they saw is something they did; a hidden question is not.
        return f"{prompt} was left unanswered" if cond.op == "not_answered" and shown else None
    if cond.op in ("at_least", "at_most", "between"):
        return f"{prompt} is {_threshold(cond, question)}"
    if cond.op == "answered":
        return f"{prompt} is {_labels(question, _values(answer))}"
    values = _values(cond.value)
    if cond.op in NEGATIONS:
        verb = "does not include" if question.kind == MULTI else "is not"
        return f"{prompt} {verb} {_either(question, values)}"
    if question.kind == MULTI:
        # The options the buyer chose that the rule looks for (all of them for "includes all of").
        chosen = set(_values(answer))
        return f"{prompt} includes {_labels(question, [v for v in values if v in chosen] or values)}"
    # equals or one of: the buyer's own answer, not the whole list the rule accepts.
    return f"{prompt} is {_labels(question, [answer])}"


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def _label(question: Question, value: Any) -> str:
    if question.kind == YES_NO or isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return question.option_labels.get(value, value)
    return _amount(question, value)


def _labels(question: Question, values: list[Any]) -> str:
    return listed([_label(question, v) for v in values])


def _either(question: Question, values: list[Any]) -> str:
    """Options a rule excludes, quoted (a label often reads as a sentence of its own): “A”, “B” or “C”."""
    return listed([f"“{_label(question, v)}”" if isinstance(v, str) else _label(question, v) for v in values], "or")


def _amount(question: Question, value: float) -> str:
    """A number with the question's unit: "1,000 hours a year", "1 hour per person per week", "50% of ..."."""
    unit = question.unit
    if not unit:
        return number(value)
    if unit.startswith("%"):
        return f"{number(value)}{unit}"
    first, _, rest = unit.partition(" ")
    if value == 1 and first in _ONE:
        unit = f"{_ONE[first]} {rest}".strip()
    return f"{number(value)} {unit}"


def _threshold(cond: Condition, question: Question) -> str:
    """A range as a person writes it. A bound one past a round number is said from the round number: "at least
    1001" is "more than 1,000", "at most 999" is "less than 1,000"."""
    if cond.op == "between":
        low, high = cond.value
        return f"between {number(low)} and {_amount(question, high)}"
    bound = float(cond.value)
    whole = bound == int(bound)
    if cond.op == "at_least":
        if whole and bound > 1 and (bound - 1) % 10 == 0:
            return f"more than {_amount(question, bound - 1)}"
        return f"at least {_amount(question, bound)}"
    if whole and (bound + 1) % 10 == 0:
        return f"less than {_amount(question, bound + 1)}"
    return f"at most {_amount(question, bound)}"
