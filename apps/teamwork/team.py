"""The questionnaire's view of the team (``apps.questionnaire.extensions.Team``): who answers which
section, the second opinions a member has still to give, the review page's panel, and what blocks submit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import JSONField, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.urls import reverse

from apps.accounts.models import Membership
from apps.accounts.scoping import MemberRequest
from apps.common.prepared import PreparedQuery
from apps.playbooks.engine import CompiledPlaybook
from apps.questionnaire.extensions import MemberView
from apps.questionnaire.models import Assessment
from apps.teamwork.divergence import Divergence, divergences
from apps.teamwork.models import SecondOpinion, SecondOpinionAnswer, SectionAssignment, Settlement, StakeholderRole


def _assigned_to(membership: Membership) -> Q:
    # Named, or by a stakeholder role the member holds (a subquery: the same one query).
    roles = StakeholderRole.objects.filter(organisation_id=membership.organisation_id, membership=membership).values(
        "role"
    )
    return Q(member=membership) | Q(stakeholder__in=roles)


def _opinions(organisation: int, assessment: int) -> QuerySet[SecondOpinion]:
    return (
        SecondOpinion.objects.filter(organisation_id=organisation, assessment_id=assessment)
        .select_related("reviewer__user")
        .filter(reviewer__organisation_id=organisation)
        # Ordered as the model orders them, by section, without joining the assessment for its own order.
        .order_by("section_code")
    )


# Compiled once per process (apps/common/prepared.py): submit reads them under the draft's lock, and most
# assessments have none, so composing the query was most of what checking them cost.
_OPINIONS = PreparedQuery(_opinions)


def opinions_with_answers(assessment: Assessment) -> list[SecondOpinion]:
    """The assessment's second opinions with their answers and settlements: the prefetches' queries only when
    there is an opinion (as a queryset's ``prefetch_related`` would run them)."""
    return opinions_of(assessment.organisation_id, assessment.pk)


def opinions_of(organisation: int, assessment: int) -> list[SecondOpinion]:
    """``opinions_with_answers`` by the assessment's organisation and id (a stored result's, without reading it)."""
    opinions = _OPINIONS(organisation=organisation, assessment=assessment)
    prefetch_related_objects(
        opinions,
        Prefetch("answers", SecondOpinionAnswer.objects.filter(organisation_id=organisation).order_by()),
        Prefetch(
            "settlements",
            Settlement.objects.filter(organisation_id=organisation)
            .select_related("settled_by")
            .order_by("question_code"),
        ),
    )
    return opinions


def assessment_divergences(
    assessment: Assessment, compiled: CompiledPlaybook, answers: Mapping[str, Any], given: Mapping[str, Any]
) -> tuple[list[SecondOpinion], list[Divergence]]:
    opinions = opinions_with_answers(assessment)
    who = {code: (g.by, g.at) for code, g in given.items()}
    return opinions, divergences(compiled, answers, who, opinions)


# Every part names the organisation (the distribution column on Citus, docs/scaling.md). A section is the
# member's when it is assigned to them by name or to a stakeholder role they hold (``_assigned_to``).
_MEMBER_VIEW_SQL = f"""
SELECT a.section_code, 'mine' FROM {SectionAssignment._meta.db_table} a
 WHERE a.organisation_id = %s AND a.assessment_id = %s
   AND (a.member_id = %s OR a.stakeholder IN (
        SELECT r.role FROM {StakeholderRole._meta.db_table} r
         WHERE r.organisation_id = %s AND r.membership_id = %s))
UNION ALL
SELECT o.section_code, 'hidden' FROM {SecondOpinion._meta.db_table} o
 WHERE o.organisation_id = %s AND o.assessment_id = %s
   AND o.reviewer_id = %s AND o.given_at IS NULL
UNION ALL
(SELECT s.section_code, 'assigned' FROM {SectionAssignment._meta.db_table} s
  WHERE s.organisation_id = %s AND s.assessment_id = %s LIMIT 1)
UNION ALL
(SELECT q.section_code, 'asked' FROM {SecondOpinion._meta.db_table} q
  WHERE q.organisation_id = %s AND q.assessment_id = %s LIMIT 1)
"""


# The same rows as one column of another query (the step page's assessment): a JSON list of [section_code, kind]
# pairs, NULL for none. jsonb, which the database backend hands over as text for ``JSONField`` to parse.
_MEMBER_VIEW_COLUMN = (
    f"(SELECT jsonb_agg(jsonb_build_array(v.section_code, v.kind)) FROM ({_MEMBER_VIEW_SQL}) v(section_code, kind))"
)


def _member_view_params(organisation: int, assessment: int, member: int) -> list[int]:
    org, pk = organisation, assessment
    return [org, pk, member, org, member, org, pk, member, org, pk, org, pk]  # in the statement's order


def member_view_of(rows: Sequence[Sequence[str]], assessment: Assessment) -> MemberView:
    """The member's view from ``(section_code, kind)`` rows, kind one of mine, hidden, assigned and asked."""
    hidden = frozenset(code for code, kind in rows if kind == "hidden")
    return MemberView(
        mine=frozenset(code for code, kind in rows if kind == "mine"),
        hidden=hidden,
        opinion_urls={code: reverse("teamwork:opinion", args=[assessment.pk, code]) for code in hidden},
        any_assigned=any(kind == "assigned" for _, kind in rows),
        any_asked=any(kind == "asked" for _, kind in rows),
    )


class AssessmentTeam:
    def member_view(self, membership: Membership, assessment: Assessment) -> MemberView:
        # One statement for all: the sections assigned to the member, their second opinions not given yet, and
        # whether the assessment has any assignment or opinion at all (one row each at most). Written out once
        # rather than built by the ORM on every step page, where composing the four-part union took about a
        # sixth of the page's CPU (docs/performance.md, issue 21).
        params = _member_view_params(assessment.organisation_id, assessment.pk, membership.pk)
        with connection.cursor() as cursor:
            cursor.execute(_MEMBER_VIEW_SQL, params)
            rows = cursor.fetchall()
        return member_view_of(rows, assessment)

    folds_member_view = True

    def member_view_column(self, *, organisation: int, assessment: int, member: int) -> RawSQL:
        # The statement above as a subquery in the assessment's select: the step page saves a round trip.
        return RawSQL(_MEMBER_VIEW_COLUMN, _member_view_params(organisation, assessment, member), JSONField())

    def member_view_from(self, column: Any, assessment: Assessment) -> MemberView:
        return member_view_of(column or [], assessment)

    def member_sections(self, membership: Membership, assessment_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        if not assessment_ids:
            return {}
        found: dict[int, set[str]] = {}
        rows = SectionAssignment.objects.filter(_assigned_to(membership), assessment_id__in=assessment_ids)
        for pk, code in rows.values_list("assessment_id", "section_code"):
            found.setdefault(pk, set()).add(code)
        return {pk: frozenset(codes) for pk, codes in found.items()}

    def owed_opinions(self, organisation: int, user: int, assessment_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        if not assessment_ids:
            return {}
        found: dict[int, set[str]] = {}
        rows = SecondOpinion.objects.filter(
            organisation_id=organisation,
            assessment_id__in=assessment_ids,
            reviewer__organisation_id=organisation,  # every table the statement reads names the organisation
            reviewer__user_id=user,
            given_at__isnull=True,
        ).order_by()
        for pk, code in rows.values_list("assessment_id", "section_code"):
            found.setdefault(pk, set()).add(code)
        return {pk: frozenset(codes) for pk, codes in found.items()}

    def review_panel(
        self,
        request: MemberRequest,
        assessment: Assessment,
        compiled: CompiledPlaybook,
        answers: Mapping[str, Any],
        given: Mapping[str, Any],
        view: MemberView | None = None,
    ) -> str:
        from apps.teamwork.services import may_manage

        membership = request.membership
        assignments = (
            list(assessment.assignments.select_related("member__user")) if view is None or view.any_assigned else []
        )
        opinions, found = (
            assessment_divergences(assessment, compiled, answers, given) if view is None or view.any_asked else ([], [])
        )
        if not assignments and not opinions:
            return render_to_string(
                "teamwork/_review_panel.html", {"assessment": assessment, "empty": True}, request=request
            )
        titles = {s.code: s.title for s in compiled.sections}
        can_settle = assessment.is_draft and may_manage(membership, assessment)
        context = {
            "assessment": assessment,
            "assignments": [(titles.get(a.section_code, a.section_code), a) for a in assignments],
            "opinions": [(titles.get(o.section_code, o.section_code), o) for o in opinions],
            "divergences": found,
            "settled": [
                (compiled.questions[s.question_code].prompt, o, s)
                for o in opinions
                for s in o.settlements.all()
                if s.question_code in compiled.questions
            ],
            "can_settle": can_settle,
            "refused": getattr(request, "settle_refused", None),
        }
        # A refused settlement whose difference has no form on the page now (settled meanwhile to the other answer,
        # so the answers agree): the refusal and the reason typed are shown above, to copy (review 119: lost).
        refused: dict[str, Any] | None = getattr(request, "settle_refused", None)
        if refused and refused.get("reason"):
            forms = {d.code for d in found if can_settle and d.opinion.reviewer.user_id != request.user.pk}
            context["refused_unplaced"] = refused if refused["code"] not in forms else None
        # Read by the review page beside its submit button (review 96: submitting kept the first answers over three
        # unsettled differences, with nothing said there): the differences not settled, whose first answers stand.
        request.unsettled_differences = sum(1 for d in found if not d.settled)  # type: ignore[attr-defined]
        return render_to_string("teamwork/_review_panel.html", context, request=request)

    def submit_problems(
        self, assessment: Assessment, compiled: CompiledPlaybook, answers: Mapping[str, Any], user_id: int | None = None
    ) -> list[str]:
        opinions, found = assessment_divergences(assessment, compiled, answers, {})
        named = {section.code: section.title for section in compiled.sections}
        problems = []
        # Nobody submits while a second opinion is owed: the result would decide without it, and would show the
        # first answers to the member who owes it (review 62: an owner's own key submitted, then read them; review
        # 72: a colleague could still submit). Given, or withdrawn on the contributors page, it no longer blocks.
        for o in opinions:
            if o.given_at is not None:
                continue
            title = named.get(o.section_code, o.section_code)
            if user_id and o.reviewer.user_id == user_id:
                problems.append(
                    f"Give your second opinion on “{title}” first: its first answers stay hidden from you until "
                    "you have, and submitting would show them."
                )
            else:
                problems.append(
                    f"Wait for {o.reviewer.user}'s second opinion on “{title}”, or withdraw the request on the "
                    "contributors page: the recommendation would otherwise be made without it."
                )
        return problems + [
            f"Settle the second opinion on “{d.question.prompt}” first: it would change the verdict "
            f"from {d.with_first.verdict_label} to {d.with_second.verdict_label}."
            for d in found
            if d.blocks_submit
        ]
