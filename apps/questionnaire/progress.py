"""What a step, the review and the progress bar show, computed from the compiled playbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apps.playbooks.engine import CompiledPlaybook
from apps.playbooks.engine.answers import MARKET_ROLE, answer_text, market_currency
from apps.playbooks.engine.types import Question
from apps.playbooks.engine.visibility import Visibility, visibility

SECONDS_PER_QUESTION = 25


@dataclass(frozen=True)
class QuestionView:
    question: Question
    visible: bool
    value: Any
    error: str = ""
    # Who gave the stored answer and when (a ``services.Given``), None when unanswered or not looked up.
    given: Any = None
    # The answers' in-house cost market (``home_market``): the buyer's own in-house cost is shown in its currency.
    market: Any = None

    @property
    def loaded(self) -> str:
        """The stamp autosave posts back, so a colleague's change since is noticed (``record_answers``): when the
        answer was given and what it was; "|" for a question drawn unanswered, "" when not known."""
        if self.given is not None:
            return str(self.given.stamp)
        return "|" if self.value is None else ""

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def answered(self) -> bool:
        return self.value is not None

    @property
    def selected(self) -> set[str]:
        """The chosen option codes (and 'yes'/'no'), for ticking radios and checkboxes."""
        if isinstance(self.value, bool):
            return {"yes" if self.value else "no"}
        if isinstance(self.value, list):
            return set(self.value)
        return {self.value} if isinstance(self.value, str) else set()

    @property
    def display(self) -> str:
        """The answer as words, for the review page."""
        return answer_text(self.question, self.value, market=self.market, priced=True)

    @property
    def own_cost_unit(self) -> str:
        """The unit beside the buyer's own in-house cost: the currency it is read in for the answers' market (review
        94 leftover: "a year (USD, GBP or EUR)" beside the box, whatever country was chosen above)."""
        return f"a year, in {market_currency(self.market)[1]}"

    @property
    def input_value(self) -> str:
        v = self.value
        if v is None or isinstance(v, bool | list | str):
            return "" if not isinstance(v, str) or self.question.options else v
        return str(int(v)) if v == int(v) else f"{v:.2f}".rstrip("0").rstrip(".")  # never 1e+06


@dataclass(frozen=True)
class SectionView:
    code: str
    title: str
    visible: bool
    answered: int
    required: int
    current: bool

    @property
    def done(self) -> bool:
        return self.visible and self.answered >= self.required


def step_context(
    compiled: CompiledPlaybook,
    answers: Mapping[str, Any],
    section: str | None,
    *,
    posted: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    seen: Visibility | None = None,
    given: Mapping[str, Any] | None = None,
    keep_sent: bool = False,
) -> dict[str, Any]:
    """Everything the step and review templates need; ``section`` None means all (the review).
    ``seen`` is what ``answers`` show, when the caller has already worked it out; ``given`` is who gave
    each stored answer and when (``services.given_answers``). A box shows what was ``posted`` for it when its answer
    was refused, or for every box with ``keep_sent`` (a step refused as a whole, nothing saved)."""
    posted, errors, given = posted or {}, errors or {}, given or {}
    seen = seen or visibility(compiled, answers)
    visible = set(seen.questions)
    market = answers.get(compiled.roles.get(MARKET_ROLE, ""))
    sections = [
        SectionView(
            code=s.code,
            title=s.title,
            visible=s.code in seen.sections,
            answered=len(seen.required_in(s.code)) - len(seen.missing_in(s.code)),
            required=len(seen.required_in(s.code)),
            current=s.code == section,
        )
        for s in compiled.sections
    ]
    questions = [
        QuestionView(
            question=compiled.questions[c],
            visible=c in visible,
            value=posted[c] if c in posted and (keep_sent or c in errors) else answers.get(c),
            error=errors.get(c, ""),
            given=given.get(c),
            market=market,
        )
        for s in compiled.sections
        if section is None or s.code == section
        for c in s.questions
    ]
    remaining = len(seen.missing)
    # Each refused answer for the error summary, in page order, linked to its field's first input.
    error_summary = [(f"input-{q.code}", q.question.prompt, q.error) for q in questions if q.error]
    shown = [s for s in sections if s.visible]
    position = next((i for i, s in enumerate(shown) if s.current), None)
    current = next((s for s in compiled.sections if s.code == section), None)
    return {
        "playbook": compiled,
        "sections": sections,
        "section": current,
        "step_number": (position + 1) if position is not None else None,
        "step_total": len(shown),
        "previous_section": shown[position - 1].code if position else None,
        "next_section": shown[position + 1].code if position is not None and position + 1 < len(shown) else None,
        "questions": questions,
        "error_summary": error_summary,
        "by_section": [
            (s, [q for q in questions if q.question.section == s.code and q.visible]) for s in sections if s.visible
        ],
        "answered_count": seen.answered,
        "required_count": len(seen.required),
        "missing": [compiled.questions[c] for c in seen.missing],
        "minutes_left": max(0, round(remaining * SECONDS_PER_QUESTION / 60)) if remaining else 0,
        "percent": round(100 * seen.answered / len(seen.required)) if seen.required else 100,
    }


@dataclass(frozen=True)
class ListRow:
    assessment: Any
    answered: int = 0
    required: int = 0
    # The sections assigned to the member reading the list (titles), and their own progress in them.
    my_sections: tuple[str, ...] = ()
    my_answered: int = 0
    my_required: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.required) if self.required else 100


def draft_progress(
    assessments: list[Any],
    *,
    mine: Mapping[int, frozenset[str]] | None = None,
    hidden: Mapping[int, frozenset[str]] | None = None,
) -> list[ListRow]:
    """Each assessment with its progress (answered of visible required), from one query for all answers;
    with ``mine`` (assessment id to the reader's section codes), also the reader's own progress there; ``hidden``
    (assessment id to the sections whose second opinion the reader owes): counted as if those had no answers
    (review 75: "34 of 36 answered" in the list told what the review page's "23 of 31" hid)."""
    from apps.playbooks.runtime import compiled_playbook
    from apps.questionnaire.models import Answer
    from apps.questionnaire.services import outside_sections

    mine = mine or {}
    drafts = [a.pk for a in assessments if a.is_draft]
    answers: dict[int, dict[str, Any]] = {pk: {} for pk in drafts}
    # By organisation too (the distribution column on Citus, docs/scaling.md): a list is one organisation's.
    organisations = {a.organisation_id for a in assessments if a.is_draft}
    for pk, code, value in Answer.objects.filter(
        organisation_id__in=organisations, assessment_id__in=drafts
    ).values_list("assessment_id", "question_code", "value"):
        answers[pk][code] = value
    rows = []
    for a in assessments:
        if not a.is_draft:
            rows.append(ListRow(a))
            continue
        compiled = compiled_playbook(a.playbook)
        owed = (hidden or {}).get(a.pk)
        seen = visibility(compiled, outside_sections(compiled, answers[a.pk], owed) if owed else answers[a.pk])
        own = [s for s in compiled.sections if s.code in mine.get(a.pk, ()) and s.code in seen.sections]
        own_required = sum(len(seen.required_in(s.code)) for s in own)
        own_missing = sum(len(seen.missing_in(s.code)) for s in own)
        rows.append(
            ListRow(
                a,
                seen.answered,
                len(seen.required),
                my_sections=tuple(s.title for s in own),
                my_answered=own_required - own_missing,
                my_required=own_required,
            )
        )
    return rows
