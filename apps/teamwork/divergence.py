"""Where a second opinion differs from the assessment's answers, and what each answer would do.

Both answers are scored with the engine on the assessment's own compiled playbook: the verdict, the
top model and the triggered regimes under the answers as they stand, and under the same answers with
the second opinion's value in place. A difference that changes the verdict comes first, then one that
changes the top model, then the rest, in the playbook's order.

The reviewer's answers to questions that only show because of their own answers (the HIPAA role once
they say the data is PHI) are not differences of their own: nobody else was asked them. They go with
the answer that brings them in, are scored with it, and are taken with it when the owner settles for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.common.formatting import money, significant
from apps.playbooks.engine import CompiledPlaybook, evaluate
from apps.playbooks.engine.answers import MARKET_ROLE, answer_text
from apps.playbooks.engine.checks import checks_for_answers
from apps.playbooks.engine.types import VERDICT_LABELS, Question
from apps.playbooks.engine.visibility import visibility
from apps.teamwork.models import SecondOpinion, Settlement, shown_stamp


@dataclass(frozen=True)
class Effect:
    """What one set of answers does to the result."""

    verdict: str
    top_model: str  # its name; "" when no model ranks
    regimes: tuple[str, ...]  # names
    # The top model's likely saving against in-house in words, or "" when it is not costed (review 91: answers that
    # drive the cost showed the same verdict, model and regimes, and nothing of what they did to the cost).
    saving: str = ""
    # The answers as they would stand break a check (more hours each than anyone can work, ...): its words.
    checks: tuple[str, ...] = ()
    # How many required answers the set still lacks: its verdict is on the answers given so far, and it is not costed
    # (review 154: "a likely saving of £593,000 over 3 years" for an assessment with 25 of 30 required answers missing).
    missing: int = 0

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class Divergence:
    opinion: SecondOpinion
    question: Question
    first: Any
    second: Any
    first_by: str
    first_at: datetime | None
    with_first: Effect
    with_second: Effect
    settlement: Settlement | None
    # The reviewer's answers to the questions the second answer brings in, as (question, value).
    follow_ups: tuple[tuple[Question, Any], ...] = ()
    # The in-house costs' country each answer is read with (the reviewer's own where they gave one): the buyer's own
    # in-house cost is shown in its currency (review 93: "85,000 a year (USD, GBP or EUR)" on the settle buttons).
    market_first: Any = None
    market_second: Any = None

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def first_text(self) -> str:
        if self.first is None:
            return "Not answered"
        return answer_text(self.question, self.first, market=self.market_first, priced=True)

    @property
    def second_text(self) -> str:
        if self.second is None:
            return "Not answered"
        return answer_text(self.question, self.second, market=self.market_second, priced=True)

    @property
    def follow_up_texts(self) -> tuple[str, ...]:
        return tuple(f"{q.prompt} {answer_text(q, v)}" for q, v in self.follow_ups)

    @property
    def flips_verdict(self) -> bool:
        return self.with_first.verdict != self.with_second.verdict

    @property
    def flips_model(self) -> bool:
        return self.with_first.top_model != self.with_second.top_model

    @property
    def regimes_on(self) -> tuple[str, ...]:
        """Regimes the second opinion's answer would trigger that the current answer does not."""
        return tuple(r for r in self.with_second.regimes if r not in self.with_first.regimes)

    @property
    def regimes_off(self) -> tuple[str, ...]:
        return tuple(r for r in self.with_first.regimes if r not in self.with_second.regimes)

    @property
    def settled(self) -> bool:
        """Settled while the answer is still the value the owner chose and the second opinion the one settled against
        (a later change of either opens it again; review 75: a changed opinion had stayed "settled")."""
        s = self.settlement
        return (
            s is not None and s.chosen_value == self.first and (s.second_value is None or s.second_value == self.second)
        )

    @property
    def seen(self) -> str:
        """What the settle form shows (``models.shown_stamp``), sent back with the choice."""
        return shown_stamp(self.settlement, self.first, self.second)

    @property
    def blocks_submit(self) -> bool:
        return self.flips_verdict and not self.settled


def _effect(compiled: CompiledPlaybook, answers: Mapping[str, Any]) -> Effect:
    evaluation = evaluate(compiled, answers)
    top = evaluation.models[0].name if evaluation.models else ""
    checks = tuple(c.text for c in checks_for_answers(compiled.roles, answers))
    missing = len(evaluation.missing_required)
    saving = "" if missing else _saving(evaluation)
    return Effect(evaluation.verdict, top, tuple(r.name for r in evaluation.regimes), saving, checks, missing)


def _saving(evaluation: Any) -> str:
    """The top model's likely saving against in-house over the cost's period, in words ("" when not costed)."""
    cost = evaluation.cost
    if not cost.available or not evaluation.models:
        return ""
    model = next((m for m in cost.models if m.model == evaluation.models[0].code), None)
    if model is None:
        return ""
    likely = model.savings[1]
    amount = money(
        abs(significant(likely, cost.significant_figures) if cost.significant_figures else likely), cost.currency
    )
    said = f"a likely saving of {amount}" if likely >= 0 else f"likely {amount} more than in-house"
    return f"{said} over {cost.period}"


def follow_up_answers(
    compiled: CompiledPlaybook, answers: Mapping[str, Any], second: Mapping[str, Any]
) -> dict[str, Any]:
    """Of a second opinion's answers (``second``), those to questions hidden under ``answers`` and unanswered
    there: they can only count together with the answer that shows them."""
    shown = set(visibility(compiled, answers).questions)
    return {c: v for c, v in second.items() if c not in shown and answers.get(c) is None}


def divergences(
    compiled: CompiledPlaybook,
    answers: Mapping[str, Any],
    given: Mapping[str, tuple[str, datetime | None]],
    opinions: Iterable[SecondOpinion],
) -> list[Divergence]:
    """The differences between ``answers`` and the given second opinions (their ``answers`` and
    ``settlements`` prefetched), first those that flip the verdict, then the top model, then the rest.

    ``given`` is who gave each answer and when (code to (email, time))."""
    order = {code: i for i, code in enumerate(compiled.questions)}
    market_code = compiled.roles.get(MARKET_ROLE, "")
    found: list[Divergence] = []
    base: Effect | None = None
    for opinion in opinions:
        if not opinion.is_given:
            continue
        settlements = {s.question_code: s for s in opinion.settlements.all()}
        rows = {row.question_code: row.value for row in opinion.answers.all()}
        hidden = follow_up_answers(compiled, answers, rows) if rows else {}
        for code, value in rows.items():
            question = compiled.questions.get(code)
            first = answers.get(code)
            if question is None or first == value or code in hidden:
                continue
            base = base or _effect(compiled, answers)
            by, at = given.get(code, ("", None))
            second_answers = {**answers, **hidden, code: value}
            shown = set(visibility(compiled, second_answers).questions) if hidden else set()
            found.append(
                Divergence(
                    opinion=opinion,
                    question=question,
                    first=first,
                    second=value,
                    first_by=by,
                    first_at=at,
                    with_first=base,
                    with_second=_effect(compiled, second_answers),
                    settlement=settlements.get(code),
                    follow_ups=tuple(
                        (compiled.questions[c], v) for c, v in hidden.items() if c in shown and c in compiled.questions
                    ),
                    market_first=answers.get(market_code),
                    market_second=rows.get(market_code, answers.get(market_code)),
                )
            )
    found.sort(key=lambda d: (not d.flips_verdict, not d.flips_model, order.get(d.code, 0)))
    return found
