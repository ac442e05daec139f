"""The second opinions a stored recommendation was submitted with, as its result page and memo record them beside the
answers behind it: where a reviewer's answer differed, whether the difference was settled (by whom, which answer
stood and why) or not (the answer given stood). Before, a submit over unsettled differences left no trace on the
result a CFO signs (review 96 put a note beside the submit button only).

Second opinions are given, and settled, only while the assessment is a draft, and nobody submits while one is owed,
so what is read here is what stood when it was submitted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from apps.playbooks.engine import CompiledPlaybook
from apps.playbooks.engine.answers import MARKET_ROLE, answer_text
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.teamwork.models import SecondOpinion
from apps.teamwork.team import opinions_of

if TYPE_CHECKING:
    from apps.recommendations.models import Recommendation
    from apps.recommendations.snapshot.types import AnsweredQuestion


@dataclass(frozen=True)
class OpinionOnRecord:
    """One answer a second opinion differed on, or settled."""

    reviewer: str
    second: str  # the reviewer's answer in words
    settled: bool
    took_second: bool = False  # settled for the reviewer's answer
    first: str = ""  # the answer given first, in words, where the reviewer's replaced it
    settled_by: str = ""
    settled_at: datetime | None = None
    reason: str = ""

    @property
    def reason_ends_a_sentence(self) -> bool:
        """Whether the reason as typed ends with its own stop, so the note adds none after the quote."""
        return self.reason.rstrip().endswith((".", "!", "?", "…"))


@dataclass(frozen=True)
class OpinionsOnRecord:
    by_question: Mapping[str, OpinionOnRecord]
    reviewers: tuple[str, ...]  # who gave one, in the sections' order, each once

    @property
    def unsettled(self) -> int:
        return sum(1 for o in self.by_question.values() if not o.settled)

    @property
    def settled(self) -> int:
        return sum(1 for o in self.by_question.values() if o.settled)


def recorded_opinions(recommendation: Recommendation) -> OpinionsOnRecord | None:
    """The second opinions ``recommendation`` was submitted with, or None when none was given: one query then (most
    assessments have none; none when the page read ``opinions_given`` with the recommendation), and the playbook
    compiled (once per process) only when one was."""
    if not getattr(recommendation, "opinions_given", True):
        return None
    opinions = [o for o in opinions_of(recommendation.organisation_id, recommendation.assessment_id) if o.is_given]
    if not opinions:
        return None
    playbook = Playbook.objects.defer("definition").get(pk=recommendation.playbook_id)
    return opinions_on_record(opinions, compiled_playbook(playbook), recommendation.record.stored_answers)


def opinions_on_record(
    opinions: list[SecondOpinion], compiled: CompiledPlaybook, stored: Mapping[str, Any]
) -> OpinionsOnRecord:
    """The given ``opinions`` (their answers and settlements prefetched) against ``stored``, the answers the
    recommendation was scored on."""
    market = stored.get(compiled.roles.get(MARKET_ROLE, ""))
    found: dict[str, OpinionOnRecord] = {}
    reviewers: list[str] = []
    for opinion in opinions:
        reviewer = str(opinion.reviewer.user)
        if reviewer not in reviewers:
            reviewers.append(reviewer)
        settlements = {s.question_code: s for s in opinion.settlements.all()}
        for row in opinion.answers.all():
            question = compiled.questions.get(row.question_code)
            if question is None or row.question_code not in stored:
                continue  # a follow-up the reviewer alone was asked, or a question the playbook no longer has
            words = answer_text(question, row.value, market=market, priced=True)
            settlement = settlements.get(row.question_code)
            if settlement is not None:
                took = settlement.chosen_value == settlement.second_value != settlement.first_value
                first = settlement.first_value
                found[question.code] = OpinionOnRecord(
                    reviewer=reviewer,
                    second=words,
                    settled=True,
                    took_second=took,
                    first=answer_text(question, first, market=market, priced=True)
                    if took and first is not None
                    else "",
                    settled_by=str(settlement.settled_by or "someone no longer a member"),
                    settled_at=settlement.settled_at,
                    reason=settlement.reason,
                )
            elif row.value != stored[question.code]:
                found[question.code] = OpinionOnRecord(reviewer=reviewer, second=words, settled=False)
    return OpinionsOnRecord(by_question=found, reviewers=tuple(reviewers))


def answered_with_opinions(
    answered: tuple[AnsweredQuestion, ...], recorded: OpinionsOnRecord | None
) -> list[tuple[AnsweredQuestion, OpinionOnRecord | None]]:
    """The answers behind a result, each with the second opinion that differed on it or settled it (None: none)."""
    found = recorded.by_question if recorded is not None else {}
    return [(a, found.get(a.code)) for a in answered]
