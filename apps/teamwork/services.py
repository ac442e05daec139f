"""Writes for contributors and second opinions. Each runs in one transaction and announces what
happened after commit (``apps.common.events``): notifications and the activity listen there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.common import events
from apps.common.drawn import Since, since_drawn
from apps.common.formatting import listed
from apps.common.key_share import held
from apps.playbooks.engine import AnswerError, clean_answer
from apps.playbooks.engine.answers import answer_text, currency_problems
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import services as questionnaire
from apps.questionnaire.models import Assessment
from apps.teamwork.divergence import follow_up_answers
from apps.teamwork.models import (
    GIVEN,
    SecondOpinion,
    SecondOpinionAnswer,
    SectionAssignment,
    Settlement,
    Stakeholder,
    StakeholderRole,
    shown_stamp,
)

TeamError = questionnaire.AssessmentError


class MembersGone(TeamError):
    """A save naming members removed from the organisation since its page was opened (``_removed_since``)."""


class OpinionWithdrawn(TeamError):
    """The second opinion being given was withdrawn (asked of someone else, or of no one) since its page was read."""


def may_manage(membership: Membership, assessment: Assessment) -> bool:
    """The assessment's owner: whoever started it (an editor or owner still), or an organisation owner."""
    if membership.organisation_id != assessment.organisation_id:
        return False
    return membership.is_owner or (membership.can_edit and membership.user_id == assessment.created_by_id)


def set_stakeholder_roles(
    *,
    roles: Mapping[Membership, Collection[str]],
    shown: Mapping[Membership, Collection[str] | None] | None = None,
) -> None:
    """Each member's stakeholder roles become exactly the ones given. ``shown``: the roles the page showed each
    member holding; a member whose roles someone else has changed since, to other than those given, is refused and
    nothing is saved."""
    with transaction.atomic():
        ids = [m.pk for m in roles]
        # Locked in one order, so two owners saving at once wait for each other rather than crossing, and no member
        # can be removed under the save. One removed since the page was read is refused in words, nothing saved
        # (review 119: its roles' key failed at commit, a 500).
        there = set(
            Membership.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
        )
        if gone := [m for m in roles if m.pk not in there]:
            # The page is drawn again with the other choices as sent (review 129: drawn from what is stored, they
            # were lost).
            raise _removed_since(gone, "The page shows your other choices as you sent them: check them, and save.")
        if shown:
            now: dict[int, set[str]] = {}
            for member_id, role in StakeholderRole.objects.filter(membership_id__in=ids).values_list(
                "membership_id", "role"
            ):
                now.setdefault(member_id, set()).add(role)
            moved = [
                str(m.user)
                for m, held in roles.items()
                if (was := shown.get(m)) is not None
                and since_drawn(set(was), set(held), now.get(m.pk, set())) is Since.CLASH
            ]
            if moved:
                raise TeamError(
                    f"Someone changed the stakeholder roles of {listed(moved)} since this page was opened, so nothing "
                    "was saved. The page now shows the roles they hold: choose again knowing it, and save."
                )
        for membership, held in roles.items():
            StakeholderRole.objects.filter(membership=membership).exclude(role__in=held).delete()
            StakeholderRole.objects.bulk_create(
                [
                    StakeholderRole(organisation_id=membership.organisation_id, membership=membership, role=r)
                    for r in held
                ],
                ignore_conflicts=True,
            )


def _holders(assessment: Assessment, role: str, *, answering: bool = True) -> list[User]:
    """The members holding the stakeholder ``role``; with ``answering``, only those who may answer (editors and
    owners): a viewer holding it was told a section was theirs, and found it read-only (review 91)."""
    # One filter() call, so every condition is on the same membership (chained, the role could be another
    # organisation's).
    roles = (Membership.Role.EDITOR, Membership.Role.OWNER) if answering else Membership.Role.values
    held = User.objects.filter(
        memberships__organisation=assessment.organisation_id,
        memberships__role__in=roles,
        memberships__stakeholder_roles__organisation=assessment.organisation_id,
        memberships__stakeholder_roles__role=role,
    )
    return list(held.distinct())


def _answered_roles(organisation_id: int) -> set[str]:
    """The stakeholder roles at least one member who may answer (an editor or an owner) holds, in one query: what the
    warnings below check each role-given section against, instead of a query a section."""
    return set(
        StakeholderRole.objects.filter(
            organisation_id=organisation_id,
            membership__organisation_id=organisation_id,
            membership__role__in=(Membership.Role.EDITOR, Membership.Role.OWNER),
        ).values_list("role", flat=True)
    )


def nobody_to_answer(assessment: Assessment, assignments: Mapping[str, Membership | str | None]) -> str:
    """Beside a saved assignment: the sections given to a stakeholder role nobody who may answer holds, in words
    ("" when there are none), so the owner is not told only "Saved" (review 91)."""
    idle = []
    answered = _answered_roles(assessment.organisation_id)
    for code, assignee in assignments.items():
        if isinstance(assignee, str) and assignee and assignee not in answered:
            readers = _holders(assessment, assignee, answering=False)
            held = (
                f"{listed([u.email for u in readers])} {'holds' if len(readers) == 1 else 'hold'} it but only "
                f"{'reads' if len(readers) == 1 else 'read'}"
                if readers
                else "nobody holds it"
            )
            role = dict(Stakeholder.choices).get(assignee, assignee).lower()
            idle.append(f"“{_section_title(assessment, code)}” ({role}: {held})")
    if not idle:
        return ""
    which = "these sections" if len(idle) > 1 else "this section"
    return (
        f"Nobody who may answer holds the role given {which}: {listed(idle)}. Give the role to an editor under "
        "stakeholder roles, or assign the section to a member."
    )


def assign_sections(
    *,
    assessment: Assessment,
    assignments: Mapping[str, Membership | str | None],
    opinions: Mapping[str, Membership | None],
    user: User,
    drawn: Mapping[str, tuple[str, str]] | None = None,
) -> None:
    """Set who answers each section (a member, a stakeholder role, or None for nobody in particular) and
    who gives a second opinion on it (None: none asked). Only the sections named change.

    ``drawn``: for each select changed on the page (``section-<code>``, ``opinion-<code>``), what the page showed and
    what was chosen; one that someone else has changed since to something else is refused, and nothing is saved."""
    with transaction.atomic():
        _lock_draft(assessment)
        _hold_members(assessment, [*assignments.values(), *opinions.values()])
        own = {"organisation_id": assessment.organisation_id}
        current = {a.section_code: a for a in assessment.assignments.filter(**own).order_by()}
        if drawn:
            _check_drawn(assessment, current, drawn)
        asked = {o.section_code: o for o in assessment.second_opinions.filter(**own).order_by()}
        _check_not_their_own(assessment, assignments, opinions, current, asked)
        for code, assignee in assignments.items():
            _assign(assessment, code, assignee, current.get(code), user)
        for code, reviewer in opinions.items():
            _ask(assessment, code, reviewer, asked.get(code), user)


def _check_not_their_own(
    assessment: Assessment,
    assignments: Mapping[str, Membership | str | None],
    opinions: Mapping[str, Membership | None],
    current: Mapping[str, SectionAssignment],
    asked: Mapping[str, SecondOpinion],
) -> None:
    """No member gives the second opinion on a section they are named to answer, as the page would leave them (this
    save's choices over what is stored, checked under the draft's lock, so two owners each choosing one half are
    caught too): refused in words, nothing saved (review 119: the member answering was sent to give a second opinion
    on answers nobody had given)."""
    clashes = []
    for code in sorted({*assignments, *opinions}):
        answerer = assignments[code] if code in assignments else (current[code].member if code in current else None)
        reviewer = opinions[code] if code in opinions else (asked[code].reviewer if code in asked else None)
        if isinstance(answerer, Membership) and reviewer is not None and answerer.pk == reviewer.pk:
            clashes.append((answerer, _section_title(assessment, code)))
    if clashes:
        member, section = clashes[0]
        raise TeamError(
            f"{member.user} would both answer “{section}” and give its second opinion: a second opinion comes from "
            "someone other than who answers. Nothing was saved: choose someone else for one of them."
        )


def _hold_members(assessment: Assessment, chosen: Iterable[Membership | str | None]) -> None:
    """The members chosen, held until the save commits, so none can be removed under it; one removed since the page
    was read is refused in words, and nothing is saved (review 116: the assignment's key failed at commit, a 500)."""
    members = {m.pk: m for m in chosen if isinstance(m, Membership)}
    if not members:
        return
    there = held(Membership.objects.filter(organisation_id=assessment.organisation_id, pk__in=list(members)))
    if gone := [members[pk] for pk in sorted(set(members) - there)]:
        raise _removed_since(gone, "The page now shows who can be chosen: choose again, and save.")


def _removed_since(gone: list[Membership], then: str) -> MembersGone:
    """The refusal of a save naming members removed from the organisation since its page was opened, and ``then``,
    what the page drawn again shows and asks."""
    who = listed([m.user.email for m in gone])
    return MembersGone(
        f"{who} {'was' if len(gone) == 1 else 'were'} removed from the organisation since this page was opened, so "
        f"nothing was saved. {then}"
    )


def selects_now(assessment: Assessment, assignments: Iterable[SectionAssignment]) -> dict[str, str]:
    """Each section's selects as the contributors page says it drew them (``was-<name>``): ``section-<code>``
    ("member-<id>" or "role-<code>") and ``opinion-<code>`` (the reviewer's membership id, with ``GIVEN`` after it
    once the opinion is given); a select with nothing chosen is absent."""
    own = {"organisation_id": assessment.organisation_id}
    found = {
        f"section-{a.section_code}": f"member-{a.member_id}" if a.member_id else f"role-{a.stakeholder}"
        for a in assignments
    }
    opinions = assessment.second_opinions.filter(**own).order_by("section_code")
    found.update((f"opinion-{o.section_code}", f"{o.reviewer_id}{GIVEN if o.given_at else ''}") for o in opinions)
    return found


def _check_drawn(
    assessment: Assessment, current: Mapping[str, SectionAssignment], drawn: Mapping[str, tuple[str, str]]
) -> None:
    now = selects_now(assessment, current.values())
    moved = [
        name for name, (shown, chosen) in drawn.items() if since_drawn(shown, chosen, now.get(name, "")) is Since.CLASH
    ]
    if moved:
        titles = listed([f"“{_section_title(assessment, name.split('-', 1)[1])}”" for name in moved])
        raise TeamError(
            f"Someone changed who answers or gives a second opinion on {titles} (or the opinion was given) since this "
            "page was opened, so "
            "nothing was saved. The page now shows who it is: choose again knowing it, and save."
        )


def _lock_draft(assessment: Assessment) -> None:
    # By its organisation too, as every query on one assessment (the distribution column on Citus).
    own = Assessment.objects.filter(organisation_id=assessment.organisation_id)
    if not own.select_for_update().filter(pk=assessment.pk, status=Assessment.Status.DRAFT).exists():
        raise TeamError("This assessment has been submitted; who answers it can no longer change.")


def _section_title(assessment: Assessment, code: str) -> str:
    section = next((s for s in compiled_playbook(assessment.playbook).sections if s.code == code), None)
    return section.title if section else code


def _assign(
    assessment: Assessment,
    code: str,
    assignee: Membership | str | None,
    current: SectionAssignment | None,
    user: User,
) -> None:
    member = assignee if isinstance(assignee, Membership) else None
    stakeholder = assignee if isinstance(assignee, str) else ""
    if current and current.member_id == (member.pk if member else None) and current.stakeholder == stakeholder:
        return  # unchanged: nobody is told twice
    if current:
        # Whoever it was given to is no longer asked (the new assignee, even the same person, is told again below).
        events.announce_withdrawn(
            sender=SectionAssignment,
            organisation=assessment.organisation_id,
            kinds=[events.section_assigned],
            urls=(reverse("questionnaire:step", args=[assessment.pk, code]),),
        )
    if assignee is None:
        if current:
            current.delete()
        return
    SectionAssignment.objects.update_or_create(
        organisation_id=assessment.organisation_id,
        assessment=assessment,
        section_code=code,
        defaults={"member": member, "stakeholder": stakeholder, "assigned_by": user},
    )
    recipients = [member.user] if member else _holders(assessment, stakeholder)
    events.announce(
        events.section_assigned,
        sender=SectionAssignment,
        organisation=assessment.organisation,
        actor=user,
        recipients=[r for r in recipients if r.pk != user.pk],
        target=assessment,
        url=reverse("questionnaire:step", args=[assessment.pk, code]),
        summary=f"{user.email} assigned the section “{_section_title(assessment, code)}” of “{assessment.title}”",
    )


def _ask(
    assessment: Assessment, code: str, reviewer: Membership | None, current: SecondOpinion | None, user: User
) -> None:
    if current and reviewer and current.reviewer_id == reviewer.pk:
        return
    if current:
        current.delete()  # asked of someone else now (or of no one): the earlier opinion no longer counts
        events.announce_withdrawn(
            sender=SecondOpinion,
            organisation=assessment.organisation_id,
            kinds=[events.second_opinion_requested],
            urls=(reverse("teamwork:opinion", args=[assessment.pk, code]),),
        )
    if reviewer is None:
        return
    SecondOpinion.objects.create(
        organisation_id=assessment.organisation_id,
        assessment=assessment,
        section_code=code,
        reviewer=reviewer,
        requested_by=user,
    )
    events.announce(
        events.second_opinion_requested,
        sender=SecondOpinion,
        organisation=assessment.organisation,
        actor=user,
        recipients=[reviewer.user],
        target=assessment,
        url=reverse("teamwork:opinion", args=[assessment.pk, code]),
        summary=f"{user.email} asked {reviewer.user.email} for a second opinion on "
        f"“{_section_title(assessment, code)}” of “{assessment.title}”",
    )


def _as_the_reviewer_has_them(opinion: SecondOpinion) -> dict[str, Any]:
    """The draft's answers with the reviewer's own second-opinion answers over them: the market a cost they type is
    read in is theirs where they gave one (review 92: it had been checked against the first answers' market)."""
    own = {"organisation_id": opinion.organisation_id}
    return {
        **questionnaire.stored_answers(opinion.assessment),
        **dict(opinion.answers.filter(**own).values_list("question_code", "value")),
    }


def opinion_questions(opinion: SecondOpinion, answers: Mapping[str, Any]) -> list[str]:
    """The section's questions the reviewer is asked: those shown given the answers with theirs in place."""
    compiled = compiled_playbook(opinion.assessment.playbook)
    section = next(s for s in compiled.sections if s.code == opinion.section_code)
    shown = set(visibility(compiled, answers).questions)
    return [c for c in section.questions if c in shown]


def give_second_opinion(*, opinion: SecondOpinion, values: Mapping[str, Any], user: User) -> dict[str, str]:
    """Store the reviewer's answers (question code to raw value) and mark the opinion given.

    Returns the problems by code; nothing is stored when there is any, or when no question is answered."""
    compiled = compiled_playbook(opinion.assessment.playbook)
    cleaned: dict[str, Any] = {}
    problems: dict[str, str] = {}
    section = next(s for s in compiled.sections if s.code == opinion.section_code)
    for code, raw in values.items():
        if code not in section.questions:
            problems[code] = "This question is not part of this section."
            continue
        try:
            cleaned[code] = clean_answer(compiled.questions[code], raw)
        except AnswerError as exc:
            problems[code] = exc.message
    problems.update(
        currency_problems(
            compiled.questions,
            compiled.roles,
            values,
            cleaned,
            lambda: _as_the_reviewer_has_them(opinion),
        )
    )
    given = {c: v for c, v in cleaned.items() if v is not None}
    if problems:
        return problems
    with transaction.atomic():
        # The draft locked first and the opinion read again under the lock: two posts at once (two tabs) had both read
        # it not given, and both been told "saved" while the later replaced the earlier's answers (review 80). The
        # second now finds it given, and is refused beside the answers it would change.
        _lock_draft(opinion.assessment)
        own = {"organisation_id": opinion.organisation_id}
        again = SecondOpinion.objects.filter(pk=opinion.pk, **own).order_by()  # no join to its default order
        if not held(again):
            # Withdrawn since the page read it: its answers' key would fail at commit (review 116: a 500).
            raise OpinionWithdrawn("This second opinion was withdrawn since the page was opened.")
        opinion.given_at = again.values_list("given_at", flat=True).first()
        return _store_opinion(opinion, section, cleaned, given, user)


def _store_opinion(
    opinion: SecondOpinion, section: Any, cleaned: dict[str, Any], given: dict[str, Any], user: User
) -> dict[str, str]:
    """``give_second_opinion`` under the draft's lock: the answers checked against the opinion as stored, then kept."""
    problems: dict[str, str] = {}
    own = {"organisation_id": opinion.organisation_id}
    if opinion.given_at is not None:
        # Given, the first answers are open to the reviewer: what they gave stays as given, and only a question it
        # brings in that they have not answered yet may be answered (review 75: an opinion revised after reading the
        # first answers, then its settlement kept). The answers already given are kept whatever was posted.
        answered = SecondOpinionAnswer.objects.filter(organisation_id=opinion.organisation_id, opinion_id=opinion.pk)
        earlier = dict(answered.order_by().values_list("question_code", "value"))  # unordered: no join to order by
        at = timezone.localtime(opinion.given_at)
        when = f"{at.day} {at:%b %Y, %H:%M %Z}"
        for code, value in cleaned.items():
            if code in earlier and value != earlier[code]:
                problems[code] = (
                    f"Your opinion on this was given on {when} and stays as given: the first answers are open to you "
                    "now. Say what you would add in a comment on the question."
                )
        if not problems and set(given) <= set(earlier):
            return {}  # nothing new: the opinion, its time and its notices stay as they were (review 78)
        given = {**given, **earlier}
    if not problems and not given:
        problems[section.questions[0]] = "Answer at least one question to give your opinion."
    if problems:
        return problems
    SecondOpinionAnswer.objects.filter(opinion=opinion, **own).exclude(question_code__in=given).delete()
    SecondOpinionAnswer.objects.bulk_create(
        [
            SecondOpinionAnswer(organisation_id=opinion.organisation_id, opinion=opinion, question_code=c, value=v)
            for c, v in given.items()
        ],
        update_conflicts=True,
        unique_fields=["opinion", "question_code"],
        update_fields=["value", "answered_at"],
    )
    SecondOpinion.objects.filter(pk=opinion.pk, **own).update(given_at=timezone.now())
    assessment = opinion.assessment
    stored = questionnaire.stored_answers(assessment)
    # A question nobody had answered is not a difference to settle: the second opinion's answer becomes the
    # answer (review 71 had to "keep Not answered" with a reason). One the first answers hide is left alone.
    unanswered = {c: v for c, v in given.items() if stored.get(c) is None}
    if unanswered:
        stored = questionnaire.record_answers(
            assessment=assessment, values=unanswered, strict_visibility=False, save_valid=True, user=user
        ).answers
    differs = any(stored.get(c) != v for c, v in given.items())
    if differs:
        events.announce(
            events.divergence_to_settle,
            sender=SecondOpinion,
            organisation=assessment.organisation,
            actor=user,
            recipients=[assessment.created_by],
            target=assessment,
            url=reverse("questionnaire:review", args=[assessment.pk]),
            summary=f"{user.email}'s second opinion on “{section.title}” differs from the answers "
            f"of “{assessment.title}”, to settle before it is submitted",
        )
    return {}


def settle(
    *,
    opinion: SecondOpinion,
    question_code: str,
    keep_first: bool,
    reason: str,
    user: User,
    seen: str | None = None,
) -> None:
    """Settle one difference: the chosen value becomes the answer (given by ``user``), recorded with the reason.
    ``seen``: what the page's form showed (``models.shown_stamp``: the settlement then recorded and the two answers);
    refused when another settlement was recorded since (or the form says none, "", once one is) or an answer changed,
    so no decision and its reason is replaced unread and nothing is kept that was not shown. None: not checked."""
    assessment = opinion.assessment
    gave_it = Membership.objects.filter(organisation_id=opinion.organisation_id, pk=opinion.reviewer_id, user=user)
    if gave_it.exists():
        # Whoever gave the second opinion does not settle it against the first (review 71: an organisation owner could).
        raise TeamError(
            "You gave this second opinion, so it is for whoever started the assessment, or another owner, to settle."
        )
    with transaction.atomic():
        _lock_draft(assessment)
        earlier = Settlement.objects.filter(
            organisation_id=opinion.organisation_id, opinion=opinion, question_code=question_code
        ).first()
        if seen is not None and earlier is not None and not seen.startswith(f"{earlier.stamp}:"):
            if (
                earlier.settled_by_id == user.pk
                and (earlier.chosen_value == earlier.first_value) == keep_first
                and earlier.reason == reason
            ):
                # The same settlement sent again (a double click, a retry after a slow answer): it is recorded, so
                # it is done, not refused as if someone else had settled it since (review 100).
                return
            question = compiled_playbook(assessment.playbook).questions.get(question_code)
            kept = answer_text(question, earlier.chosen_value) if question is not None else str(earlier.chosen_value)
            which = "the answer given" if earlier.chosen_value == earlier.first_value else "the second opinion"
            # Quoted as typed; a full stop after the quotation mark ends the sentence when the reason has none
            # (review 123: one added inside the quotation misquoted it).
            stop = "" if earlier.reason.endswith((".", "!", "?")) else "."
            raise TeamError(
                f"{earlier.settled_by or 'Someone'} settled this difference since this page was opened, keeping "
                f"“{kept}” ({which}), because: “{earlier.reason}”{stop} Nothing was changed: read it, and settle it "
                "again if you still disagree."
            )
        theirs = dict(
            opinion.answers.filter(organisation_id=opinion.organisation_id)
            .order_by()
            .values_list("question_code", "value")
        )
        second = theirs.get(question_code)
        stored = questionnaire.stored_answers(assessment)
        first = stored.get(question_code)
        if second is None or first == second:
            raise TeamError("There is no difference to settle on this question (any more).")
        if seen and seen != shown_stamp(earlier, first, second):
            raise TeamError(
                "An answer to this question has changed since this page was opened, so nothing was settled: read the "
                "two answers as they are now, below, and settle it again."
            )
        if keep_first and first is None:
            raise TeamError("There is no answer to keep: choose the second opinion's, or answer the question first.")
        chosen = first if keep_first else second
        if not keep_first:
            # The reviewer's answers to the questions their answer brings in come with it (divergence.py).
            compiled = compiled_playbook(assessment.playbook)
            hidden = follow_up_answers(compiled, stored, theirs)
            shown = set(visibility(compiled, {**stored, **hidden, question_code: second}).questions)
            values = {**{c: v for c, v in hidden.items() if c in shown}, question_code: second}
            result = questionnaire.record_answers(assessment=assessment, values=values, user=user)
            if result.errors:
                raise TeamError(next(iter(result.errors.values())))
        Settlement.objects.update_or_create(
            organisation_id=opinion.organisation_id,
            opinion=opinion,
            question_code=question_code,
            defaults={
                "first_value": first,
                "second_value": second,
                "chosen_value": chosen,
                "reason": reason,
                "settled_by": user,
            },
        )


def roles_left_unanswered(organisation_id: int) -> str:
    """After the stakeholder roles are saved: the drafts' sections given to a role no one who may answer now holds,
    in words ("" when none; review 92: the page said only "Saved")."""
    own = {
        "organisation_id": organisation_id,
        "assessment__organisation_id": organisation_id,
        "assessment__status": Assessment.Status.DRAFT,
    }
    given = (
        SectionAssignment.objects.filter(**own)
        .exclude(stakeholder="")
        .select_related("assessment__playbook")
        .defer("assessment__playbook__definition")
    )
    answered = _answered_roles(organisation_id)
    idle = [
        f"“{_section_title(a.assessment, a.section_code)}” of “{a.assessment.title}” "
        f"({dict(Stakeholder.choices).get(a.stakeholder, a.stakeholder).lower()})"
        for a in given
        if a.stakeholder not in answered
    ]
    if not idle:
        return ""
    return (
        f"Nobody who may answer now holds the role given {listed(idle)}: give the role to an editor, or assign "
        "the section to a member on its contributors page."
    )


def left_waiting(membership: Membership) -> str:
    """After a role change (``accounts.services.ROLE_CHANGE_NOTES``): a viewer no longer gives the second opinions
    they were asked for, nor answers the sections given to them by name, on drafts; which ones, so the owner asks
    or assigns someone else ("" when none, or the member may still edit)."""
    if membership.can_edit:
        return ""
    own = {
        "organisation_id": membership.organisation_id,
        "assessment__organisation_id": membership.organisation_id,  # every tenant table joined is pinned
        "assessment__status": Assessment.Status.DRAFT,
    }
    opinions = (
        SecondOpinion.objects.filter(reviewer=membership, given_at__isnull=True, **own)
        .select_related("assessment__playbook")
        .defer("assessment__playbook__definition")
    )
    named = (
        SectionAssignment.objects.filter(member=membership, **own)
        .select_related("assessment__playbook")
        .defer("assessment__playbook__definition")
    )
    # A section given to a role they hold that no one who may answer holds any more (review 92).
    held = StakeholderRole.objects.filter(membership=membership, organisation_id=membership.organisation_id)
    by_role = (
        SectionAssignment.objects.filter(stakeholder__in=held.values("role"), **own)
        .select_related("assessment__playbook")
        .defer("assessment__playbook__definition")
    )
    answered = _answered_roles(membership.organisation_id)
    sections = [*named, *(a for a in by_role if a.stakeholder not in answered)]
    waiting = [
        *(
            f"a second opinion on “{_section_title(o.assessment, o.section_code)}” of “{o.assessment.title}”"
            for o in opinions
        ),
        *(f"the section “{_section_title(a.assessment, a.section_code)}” of “{a.assessment.title}”" for a in sections),
    ]
    if not waiting:
        return ""
    # Drafts of the same title said once, with how many (review 93: the same words twice told nothing apart).
    counted = Counter(waiting)
    said = [f"{text} ({n} drafts of that title)" if n > 1 else text for text, n in counted.items()]
    return (
        f"As a viewer, {membership.user.email} can no longer give {listed(said)}: ask or assign someone else on "
        "each draft's contributors page."
    )
