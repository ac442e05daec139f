"""Answers are validated against the question's kind, options and bounds (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine import AnswerError, clean_answer
from apps.playbooks.engine.types import Option, Question

OPTS = (Option("a", "A"), Option("b", "B"), Option("c", "C"))


def q(kind: str, **kw: Any) -> Question:
    return Question("q", "s", "Q?", kind, True, options=OPTS if kind in ("single", "multi") else (), **kw)


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (q("single"), "b", "b"),
        (q("multi"), ["c", "a"], ["a", "c"]),
        (q("multi"), "a", ["a"]),
        (q("yes_no"), "yes", True),
        (q("yes_no"), False, False),
        (q("integer"), "2,000", 2000),
        (q("integer"), 12.0, 12),
        (q("money"), "$12,500.50", 12500.5),
        (q("percent"), "40%", 40.0),
        (q("integer", min=0, max=10), "10", 10),
        (q("single"), "", None),
        (q("multi"), [], None),
    ],
)
def test_valid_answers_are_normalised(question: Question, raw: Any, stored: Any) -> None:
    assert clean_answer(question, raw) == stored


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (q("single"), "zz", "Choose one of the options shown."),
        (q("single"), 3, "Choose one of the options shown."),
        (q("multi"), ["a", "zz"], "Choose from the options shown."),
        (q("multi"), [1, 2], "Choose from the options shown."),
        (q("yes_no"), "perhaps", "Answer yes or no."),
        (q("integer"), "lots", "Enter a number, like 2000."),
        (q("integer"), "2.5", "Enter a whole number."),
        (q("integer"), True, "Enter a number."),
        (q("integer"), "1e400", "That number is too large."),
        (q("integer"), "nan", "That number is too large."),
        (q("money"), {"x": 1}, "Enter a number."),
        (q("integer", min=1, max=10), "0", "Enter 1 or more."),
        (q("integer", min=1, max=10), "11", "Enter 10 or less."),
        (q("percent"), "140", "Enter a percentage from 0 to 100."),
    ],
)
def test_invalid_answers_get_a_clear_message(question: Question, raw: Any, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        clean_answer(question, raw)
    assert info.value.message == message


@pytest.mark.parametrize(
    ("question", "value", "text"),
    [
        (q("single"), "b", "B"),
        (q("multi"), ["a", "c"], "A, C"),
        (q("yes_no"), True, "Yes"),
        (q("money"), 12500.5, "$12,500.50"),
        (q("percent"), 40.0, "40%"),
        (q("integer", unit="hours a year"), 2_000_000, "2,000,000 hours a year"),
        (q("integer"), None, ""),
    ],
)
def test_answers_read_as_words_in_one_way_everywhere(question: Question, value: Any, text: str) -> None:
    from apps.playbooks.engine.answers import answer_text

    assert answer_text(question, value) == text
