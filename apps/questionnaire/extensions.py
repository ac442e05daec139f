"""Where team features (contributors, second opinions) plug into the questionnaire.

Dependencies point one way: team features depend on the questionnaire, never the reverse. So the
questionnaire asks one registered ``Team`` (``apps.teamwork`` registers its own in ``ready()``) and,
with none registered, behaves as a single-person questionnaire. Likewise the timeline (``apps.discussion``)
may write an autosave's line in the save's own statement (``Timeline``); with none registered, the
``answers_changed`` event's listeners do all of it after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from apps.accounts.models import Membership, User
    from apps.accounts.scoping import MemberRequest
    from apps.playbooks.engine import CompiledPlaybook
    from apps.questionnaire.models import Assessment


@dataclass(frozen=True)
class MemberView:
    """What one member sees of the team on one assessment."""

    # Section codes assigned to the member (by name or by stakeholder role), in no particular order.
    mine: frozenset[str] = frozenset()
    # Sections the member is giving a second opinion on and has not finished: their first answers stay
    # hidden from them until they have answered, so the opinion is independent.
    hidden: frozenset[str] = frozenset()
    # Where the member gives that second opinion, by section code.
    opinion_urls: Mapping[str, str] = field(default_factory=dict)
    # Whether the assessment has any section assigned or second opinion asked (anyone's): without them the
    # review panel has nothing to read.
    any_assigned: bool = False
    any_asked: bool = False


class Team(Protocol):
    # Whether ``member_view_column`` gives a column: then the step page reads the member's view with its
    # assessment, in one query, rather than calling ``member_view``.
    folds_member_view: bool

    def member_view(self, membership: Membership, assessment: Assessment) -> MemberView: ...

    def member_view_column(self, *, organisation: int, assessment: int, member: int) -> Any:
        """An expression to select with the assessment ``assessment`` of ``organisation`` (the ids as query
        parameters, so the query can be prepared: apps/common/prepared.py): what ``member_view`` reads for the
        membership ``member``, which ``member_view_from`` turns into the same view."""
        ...

    def member_view_from(self, column: Any, assessment: Assessment) -> MemberView:
        """The member's view from the value of ``member_view_column`` read with ``assessment``."""
        ...

    def member_sections(self, membership: Membership, assessment_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        """The sections assigned to ``membership`` in each of these assessments (one query)."""
        ...

    def owed_opinions(self, organisation: int, user: int, assessment_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        """The sections whose second opinion the member ``user`` of ``organisation`` owes in each of these
        assessments (one query): their first answers are hidden from them until they have given it
        (``MemberView.hidden``)."""
        ...

    def review_panel(
        self,
        request: MemberRequest,
        assessment: Assessment,
        compiled: CompiledPlaybook,
        answers: Mapping[str, Any],
        given: Mapping[str, Any],
        view: MemberView | None = None,
    ) -> str:
        """HTML for the review page (contributors, divergences), escaped by its own template; ``given`` is who
        gave each answer and when (``services.given_answers``); ``view`` the member's (``member_view``), when
        the page has it, spares reading assignments and opinions the assessment has none of."""
        ...

    def submit_problems(
        self, assessment: Assessment, compiled: CompiledPlaybook, answers: Mapping[str, Any], user_id: int | None = None
    ) -> list[str]:
        """Why the locked draft may not be submitted yet (empty: it may), by the user ``user_id`` when given."""
        ...


class _NoTeam:
    folds_member_view = False  # no view to read: ``member_view`` costs no query

    def member_view(self, membership: Membership, assessment: Assessment) -> MemberView:
        return MemberView()

    def member_view_column(self, *, organisation: int, assessment: int, member: int) -> Any:
        raise NotImplementedError("Without team features there is no column to read.")

    def member_view_from(self, column: Any, assessment: Assessment) -> MemberView:
        return MemberView()

    def member_sections(self, membership: Membership, assessment_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        return {}

    def owed_opinions(self, organisation: int, user: int, assessment_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        return {}

    def review_panel(
        self,
        request: MemberRequest,
        assessment: Assessment,
        compiled: CompiledPlaybook,
        answers: Mapping[str, Any],
        given: Mapping[str, Any],
        view: MemberView | None = None,
    ) -> str:
        return ""

    def submit_problems(
        self, assessment: Assessment, compiled: CompiledPlaybook, answers: Mapping[str, Any], user_id: int | None = None
    ) -> list[str]:
        return []


team: Team = _NoTeam()


def register(implementation: Team) -> None:
    global team
    team = implementation


@dataclass(frozen=True)
class Joined:
    """More for a save's one statement to write (``drafts.write_if_unchanged``), only when the draft's row matched:
    common table expressions that read ``draft`` (the draft's id: one row when it matched, none otherwise) to
    know it, their named parameters (none of the save's own names), and an SQL condition over them that tells
    whether they wrote."""

    ctes: str
    params: Mapping[str, Any]
    written: str


class Timeline(Protocol):
    def answers_line(
        self, *, assessment: Assessment, actor: User, answers: int, summary: str, url: str, now: datetime
    ) -> Joined | None:
        """The timeline line of ``actor``'s save of ``answers`` answers (its event's ``summary`` and ``url``) at
        ``now``, to be written by the save's own statement; None leaves it to the event's listener."""
        ...


class _NoTimeline:
    def answers_line(
        self, *, assessment: Assessment, actor: User, answers: int, summary: str, url: str, now: datetime
    ) -> Joined | None:
        return None


timeline: Timeline = _NoTimeline()


def register_timeline(implementation: Timeline) -> None:
    global timeline
    timeline = implementation
