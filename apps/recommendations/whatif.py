"""What-if: the stored recommendation's answers with some changed, scored again, and nothing stored.

The scoring runs on the recommendation's own (frozen) playbook version, so the only differences a
buyer sees are the ones their changed answers cause. The result is an unsaved Recommendation built
the way submit builds one, so the page and the differences table read it exactly as a stored one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apps.playbooks.engine import CompiledPlaybook, Evaluation, clean_answers, evaluate
from apps.playbooks.engine.answers import (
    MARKET_ROLE,
    OWN_COST_ROLE,
    AnswerError,
    answer_text,
    clean_answer,
    currency_problems,
)
from apps.playbooks.engine.checks import HOME_CURRENCY_WORDS
from apps.playbooks.engine.tco.types import whole_piece
from apps.playbooks.engine.visibility import visibility
from apps.recommendations.diff import Change, differences, one_time_changes
from apps.recommendations.models import Recommendation
from apps.recommendations.services import build_recommendation


@dataclass(frozen=True)
class AnswerChange:
    code: str
    prompt: str
    before: str
    after: str
    # Why an answer not changed by hand reads differently (the own in-house cost re-read in another currency).
    note: str = ""


def _reread_note(amount: Any, was: Any, now: Any) -> str:
    """Said beside the buyer's own in-house cost when only the market changed: the same figure now read in another
    currency (review 101: "£65,000 → €65,000" listed as if the buyer had changed it)."""
    before, after = HOME_CURRENCY_WORDS.get(str(was), ""), HOME_CURRENCY_WORDS.get(str(now), "")
    if not before or not after or amount is None:
        return ""
    return (
        f"You did not change this figure: it is the same number, now read in {after} because the in-house costs are "
        f"now {after}. If your people cost it in {before}, enter the amount in {after}."
    )


@dataclass
class WhatIf:
    original: Recommendation
    answers: dict[str, Any]
    evaluation: Evaluation
    result: Recommendation
    errors: dict[str, str] = field(default_factory=dict)
    posted: dict[str, Any] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    changed_answers: list[AnswerChange] = field(default_factory=list)
    evaluation_section: dict[str, str] = field(default_factory=dict)
    # The prompts of the required questions these answers, as sent, leave unanswered (cleared, or shown by a change):
    # saved, they make a draft to finish, not a scored assessment (review 153: the save box said "scored" regardless).
    left_unanswered: list[str] = field(default_factory=list)

    @property
    def open_sections(self) -> set[str]:
        """Steps to show open: those with a changed answer or an answer to fix."""
        codes = {a.code for a in self.changed_answers} | set(self.errors)
        return {self.evaluation_section[c] for c in codes if c in self.evaluation_section}

    @property
    def unchanged(self) -> list[str]:
        return [c.what for c in self.changes if not c.changed]

    @property
    def refused(self) -> int:
        """How many answers the what-if refused or kept as stored (the stored answer counts in their place)."""
        return sum(1 for why in self.errors.values() if why != REQUIRED_SHOWN)

    @property
    def shown_unanswered(self) -> int:
        """How many required questions a change shows with no answer to keep (``REQUIRED_SHOWN``)."""
        return sum(1 for why in self.errors.values() if why == REQUIRED_SHOWN)

    @property
    def moved(self) -> bool:
        """Whether the verdict, the fit score or the top model differs from the stored recommendation."""
        return (
            self.result.verdict != self.original.verdict
            or self.result.fit_score != self.original.fit_score
            or self.result.top_model != self.original.top_model
        )


# Said beside a required question a what-if left unanswered.
REQUIRED_KEPT = "This question needs an answer, so the what-if keeps the one you gave: choose another to try it."
# Said beside a required question a what-if's change shows, with no answer to keep (review 153: moving the buyer to
# Europe showed "In which European country are they?" empty, and a full verdict scored without it, in silence).
REQUIRED_SHOWN = (
    "Your change shows this question, and it needs an answer: the result leaves it unanswered until you give one."
)


def original_answers(recommendation: Recommendation, compiled: CompiledPlaybook) -> dict[str, Any]:
    answers, _ = clean_answers(compiled.questions, recommendation.record.stored_answers, ignore_unknown=True)
    return answers


def run(
    recommendation: Recommendation,
    compiled: CompiledPlaybook,
    posted: Mapping[str, Any],
    *,
    keep_required: bool = True,
) -> WhatIf:
    """Score the recommendation's answers with ``posted`` (raw values by question code) laid over them.

    A blank clears an answer. A value that doesn't fit its question is reported in ``errors`` and the
    original answer is used in its place, so the rest of the what-if still scores; so is a required question left
    unanswered (``keep_required``; saving a what-if clears it, leaving a draft to finish).
    """
    before = original_answers(recommendation, compiled)
    answers = dict(before)
    errors: dict[str, str] = {}
    kept_raw: dict[str, Any] = {}
    for code, raw in posted.items():
        question = compiled.questions.get(code)
        if question is None:
            continue
        try:
            value = clean_answer(question, raw)
        except AnswerError as exc:
            errors[code] = exc.message
            kept_raw[code] = raw
            continue
        if value is None:
            answers.pop(code, None)
        else:
            answers[code] = value
    # An own in-house cost typed in another currency than the market's (the market as this what-if has it).
    for code, why in currency_problems(compiled.questions, compiled.roles, posted, answers, lambda: {}).items():
        errors[code] = why
        kept_raw[code] = posted[code]
        if code in before:
            answers[code] = before[code]
        else:
            answers.pop(code, None)
    # A required question the what-if cleared (no option ticked) keeps its answer, with why (review 149: a full verdict
    # was shown for answers a submit would refuse, and saving them made an unscored draft).
    missing = visibility(compiled, answers).missing
    # Missing already in the stored answers (a playbook's later required question, say): no change of this what-if's.
    already = set(visibility(compiled, before).missing) if missing else set()
    for code in missing if keep_required else ():
        if code in posted and code in before and code not in errors:
            errors[code] = REQUIRED_KEPT
            kept_raw[code] = posted[code]
            answers[code] = before[code]
        elif code not in errors and code not in already:
            errors[code] = REQUIRED_SHOWN
    evaluation = evaluate(compiled, answers)
    title = f"{recommendation.title} (what-if)"[:200]
    result = build_recommendation(
        compiled=compiled,
        evaluation=evaluation,
        answers=answers,
        title=title,
        organisation_id=recommendation.organisation_id,
        playbook_id=recommendation.playbook_id,
    )
    # The answers that counted for the stored result, as its snapshot keeps them (same playbook version).
    original_effective: Mapping[str, Any] = recommendation.record.evaluation.answers
    market_code = compiled.roles.get(MARKET_ROLE, "")
    was_market, now_market = original_effective.get(market_code), evaluation.answers.get(market_code)
    cost_code = compiled.roles.get(OWN_COST_ROLE, "")
    # The hours of a piece of work done once read as such on each side (review 164: "1,500 hours a year → 900").
    was_once = whole_piece(compiled.roles, original_effective)
    now_once = whole_piece(compiled.roles, evaluation.answers)
    changed = [
        AnswerChange(
            code,
            compiled.questions[code].prompt,
            answer_text(
                compiled.questions[code],
                original_effective.get(code),
                market=was_market,
                priced=True,
                whole_piece=was_once,
            )
            or "no answer",
            answer_text(
                compiled.questions[code],
                evaluation.answers.get(code),
                market=now_market,
                priced=True,
                whole_piece=now_once,
            )
            or "no answer",
            _reread_note(evaluation.answers.get(code), was_market, now_market)
            if code == cost_code and original_effective.get(code) == evaluation.answers.get(code)
            else "",
        )
        for code in compiled.questions
        if original_effective.get(code) != evaluation.answers.get(code)
        # The buyer's own in-house cost, read in another currency once the market changed (review 93: the what-if
        # listed only the market, while the cost it re-read moved the in-house side).
        or (code == cost_code and code in evaluation.answers and was_market != now_market)
    ]
    return WhatIf(
        original=recommendation,
        answers=answers,
        evaluation=evaluation,
        result=result,
        errors=errors,
        posted=kept_raw,
        changes=[
            *(c for c in differences(recommendation, result) if c.what != "Playbook version"),
            *one_time_changes(recommendation, result),
        ],
        changed_answers=changed,
        evaluation_section={code: q.section for code, q in compiled.questions.items()},
        left_unanswered=[compiled.questions[code].prompt for code in missing if code in compiled.questions],
    )
