"""Validating and normalising answers against a question's kind, options and bounds.

The same checks serve the web form, the autosave endpoint and the command line, so an answer is
stored in exactly one shape: an option code (single), a list of codes in option order (multi), a
bool (yes/no), an int (whole number), or a float (money, percentage). ``None`` means "no answer".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from apps.playbooks.engine.types import INTEGER, MONEY, MULTI, PERCENT, SINGLE, YES_NO, Question

LIMIT = 1e12  # no knowledge-work figure comes near this; larger input is a typo or an attack
_YES = {"yes", "true", "1", "on", "y"}
_NO = {"no", "false", "0", "off", "n"}


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is written for the buyer."""

    def __init__(self, question: str, message: str) -> None:
        super().__init__(message)
        self.question = question
        self.message = message


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "") or (isinstance(raw, list | tuple) and not raw)


def _number(q: Question, raw: Any) -> float:
    if isinstance(raw, bool):
        raise AnswerError(q.code, "Enter a number.")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("$", "").replace("%", "").replace("_", "")
        try:
            value = float(text)
        except ValueError:
            raise AnswerError(q.code, "Enter a number, like 2000.") from None
    else:
        raise AnswerError(q.code, "Enter a number.")
    if not math.isfinite(value) or abs(value) >= LIMIT:
        raise AnswerError(q.code, "That number is too large.")
    if q.min is not None and value < q.min:
        raise AnswerError(q.code, f"Enter {q.min:g} or more.")
    if q.max is not None and value > q.max:
        raise AnswerError(q.code, f"Enter {q.max:g} or less.")
    return value


def clean_answer(question: Question, raw: Any) -> Any:
    """Return the stored form of ``raw`` for ``question``, None for a blank, or raise AnswerError."""
    q = question
    if _blank(raw):
        return None
    if q.kind == SINGLE:
        if isinstance(raw, list | tuple) and len(raw) == 1:
            raw = raw[0]
        if not isinstance(raw, str) or raw not in q.option_codes:
            raise AnswerError(q.code, "Choose one of the options shown.")
        return raw
    if q.kind == MULTI:
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise AnswerError(q.code, "Choose from the options shown.")
        unknown = set(items) - q.option_codes
        if unknown:
            raise AnswerError(q.code, "Choose from the options shown.")
        chosen = set(items)
        return [o.code for o in q.options if o.code in chosen]
    if q.kind == YES_NO:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
            return raw.strip().lower() in _YES
        raise AnswerError(q.code, "Answer yes or no.")
    if q.kind == INTEGER:
        value = _number(q, raw)
        if value != int(value):
            raise AnswerError(q.code, "Enter a whole number.")
        return int(value)
    if q.kind in (MONEY, PERCENT):
        value = _number(q, raw)
        if q.kind == PERCENT and not 0 <= value <= 100:
            raise AnswerError(q.code, "Enter a percentage from 0 to 100.")
        return round(value, 2)
    raise AnswerError(q.code, "This question cannot be answered.")  # pragma: no cover - kinds are validated


def clean_answers(
    questions: Mapping[str, Question], raw: Mapping[str, Any], *, ignore_unknown: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean a whole answers mapping. Returns (answers, problems by question code)."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for code, value in raw.items():
        question = questions.get(code) if isinstance(code, str) else None
        if question is None:
            if not ignore_unknown:
                problems[str(code)] = "There is no question with this code in the playbook."
            continue
        try:
            cleaned = clean_answer(question, value)
        except AnswerError as exc:
            problems[code] = exc.message
            continue
        if cleaned is not None:
            answers[code] = cleaned
    return answers, problems


def missing(required: Iterable[str], answers: Mapping[str, Any]) -> list[str]:
    return [code for code in required if answers.get(code) is None]


def answer_text(question: Question, value: Any) -> str:
    """A stored answer as words: option labels, Yes/No, $12,500, 40%, 2,000 hours a year."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    labels = question.option_labels
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, str):
        return str(labels.get(value, value))
    amount = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    if question.kind == "money":
        return f"${amount}"
    if question.kind == "percent":
        return f"{amount}%"
    return f"{amount} {question.unit}" if question.unit else amount
