"""Contributors (who answers which section, stakeholder roles), second opinions, and settling differences."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import Membership
from apps.accounts.scoping import MemberRequest, get_for_member, member_required, pin_to_organisation
from apps.common.hostile import ascii_int
from apps.common.refusals import refused_on
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import services as questionnaire
from apps.questionnaire.forms import posted_answers
from apps.questionnaire.gone import answers_gone, typed_fields
from apps.questionnaire.models import Assessment
from apps.questionnaire.progress import step_context
from apps.questionnaire.views import assessment_review
from apps.teamwork import services
from apps.teamwork.forms import AssignForm, SettleForm, StakeholderRolesForm
from apps.teamwork.models import GIVEN, SecondOpinion, Stakeholder, StakeholderRole
from apps.teamwork.team import AssessmentTeam

OWNER = Membership.Role.OWNER
EDITOR = Membership.Role.EDITOR


def _assessment(request: MemberRequest, pk: int) -> Assessment:
    qs = Assessment.objects.select_related("playbook", "created_by", "organisation").defer("playbook__definition")
    return get_for_member(request, qs, pk=pk)


NOTHING_SENT = (
    "Nothing was saved: no choice of this page reached the server with this request. Reload it and choose again."
)


def _members(request: MemberRequest) -> list[Membership]:
    return list(Membership.objects.filter(organisation=request.organisation).select_related("user"))


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
@answers_gone
def contributors(request: MemberRequest, pk: int) -> HttpResponse:
    """Who answers each section and who gives a second opinion; the assessment's owner changes it."""
    assessment = _assessment(request, pk)
    compiled = compiled_playbook(assessment.playbook)
    manager = services.may_manage(request.membership, assessment)
    can_manage = assessment.is_draft and manager
    sections = [(s.code, s.title) for s in compiled.sections]
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        sections=sections,
        members=_members(request),
        initial=_initial(assessment),
        started_by=assessment.created_by_id,
    )
    if request.method == "POST":
        if manager and not assessment.is_draft:
            # Its owner is told why, not that they may not (review 82: a 403 naming the owners to an owner).
            return refused_on(
                request,
                "This assessment has been submitted; who answers it can no longer change.",
                contributors,
                address=reverse("teamwork:contributors", args=[pk]),
                pk=pk,
            )
        if not can_manage:
            raise PermissionDenied("Only the assessment's owner (who started it, or an organisation owner) assigns it.")
        if not any(key.startswith(("section-", "opinion-", "was-")) for key in request.POST):
            # Nothing of the form reached the server (a body it cannot read, such as JSON): said (review 105).
            return refused_on(
                request,
                NOTHING_SENT,
                contributors,
                address=reverse("teamwork:contributors", args=[pk]),
                status=400,
                pk=pk,
            )
        if form.is_valid():
            try:
                services.assign_sections(
                    assessment=assessment,
                    assignments=form.assignments(),
                    opinions=form.opinions(),
                    user=request.user,
                    drawn=form.drawn(),
                )
            except services.TeamError as exc:
                return refused_on(
                    request, exc.messages[0], contributors, address=reverse("teamwork:contributors", args=[pk]), pk=pk
                )
            messages.success(request, "Saved who answers each section.")
            if idle := services.nobody_to_answer(assessment, form.assignments()):
                messages.warning(request, idle)
            return redirect("teamwork:contributors", pk=pk)
    # Sections the answers so far do not ask stay assignable (a changed answer may ask them) but say so (review 66:
    # "Legal work" offered for equity research).
    # Worked out from the answers the member may see (review 77: "Not asked" told a member owing an opinion on the work
    # what its function was).
    seen = questionnaire.outside_sections(
        compiled, questionnaire.stored_answers(assessment), _owed_sections(assessment, request.membership)
    )
    asked = visibility(compiled, seen).sections
    context = {
        "assessment": assessment,
        "form": form,
        "sections": sections,
        "not_asked": {code for code, _ in sections if code not in asked},
        "can_manage": can_manage,
    }
    return render(request, "teamwork/contributors.html", context, status=400 if form.errors else 200)


def _initial(assessment: Assessment) -> dict[str, str]:
    # By the organisation too (the distribution column on Citus, docs/scaling.md), in section order.
    own = {"organisation_id": assessment.organisation_id}
    drawn = services.selects_now(assessment, assessment.assignments.filter(**own).order_by("section_code"))
    # Each select's value, and what the page shows for the save to compare with (``was-<name>``): the same, with
    # whether each opinion had been given.
    return {**{k: v.removesuffix(GIVEN) for k, v in drawn.items()}, **{f"was-{k}": v for k, v in drawn.items()}}


def _owed_sections(assessment: Assessment, membership: Membership) -> frozenset[str]:
    """The sections of ``assessment`` whose second opinion ``membership`` still owes: their answers stay hidden (the
    team's one reading of it, as the questionnaire's pages and the API make it)."""
    owed = AssessmentTeam().owed_opinions(assessment.organisation_id, membership.user_id, [assessment.pk])
    return owed.get(assessment.pk, frozenset())


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(EDITOR, of=Assessment)
@answers_gone
def opinion(request: MemberRequest, pk: int, section: str) -> HttpResponse:
    """The reviewer's own answers to one section, given without seeing the first answers."""
    assessment = _assessment(request, pk)
    compiled = compiled_playbook(assessment.playbook)
    asked = (
        pin_to_organisation(SecondOpinion.objects.select_related("reviewer__user"), request.organisation)
        .filter(assessment=assessment, section_code=section)
        .order_by("pk")  # not the model's ordering, which joins the assessments table unpinned
        .first()
    )
    if asked is None:
        title = next((s.title for s in compiled.sections if s.code == section), None)
        if title is None:
            raise Http404("No such section in this assessment.")
        # Withdrawn since the page was opened (review 95: a 404 "may belong to another organisation", what was typed
        # lost): said so, with what was sent.
        return _withdrawn(
            request,
            assessment,
            f"No second opinion on “{title}” is asked of anyone now: it was withdrawn, or never asked",
            409 if request.method == "POST" else 404,
        )
    asked.assessment = assessment
    if asked.reviewer_id != request.membership.pk:
        raise PermissionDenied(f"This second opinion was asked of {asked.reviewer.user}.")
    mine = _opinion_answers(asked)
    # The first answers of other sections count for which questions show (the reviewer may read those); this
    # section's are never drawn, nor used to choose its questions: a follow-up shown would tell the answer it follows
    # (review 72: the page asked the HIPAA role, so the first answers had PHI).
    # Nor those of any other section whose opinion the member still owes (review 77: the buyer section's page asked a
    # question only the hidden first answer to the work's function brings in).
    hidden = {section, *_owed_sections(assessment, request.membership)}
    first = questionnaire.outside_sections(compiled, questionnaire.stored_answers(assessment), hidden)
    # Given, its answers stay as given (the first answers are open to the reviewer now): drawn as they were, not as
    # boxes to change, and not read from a post (review 78: the page still looked editable).
    locked = set(mine) if asked.is_given else set()
    errors: dict[str, str] = {}
    posted: dict[str, object] = {}
    status = 400
    if request.method == "POST":
        codes = services.opinion_questions(asked, {**first, **mine})
        posted = posted_answers(request.POST, {c: compiled.questions[c].kind for c in codes})
        # A locked box is drawn disabled, so only its presence marker comes: that is no answer. A value sent for it
        # (a page drawn before the opinion was given) is kept, for the service to refuse beside the box.
        posted = {c: v for c, v in posted.items() if c not in locked or c in request.POST}
        if not assessment.is_draft:
            # Submitted since the page was drawn: what was sent stays in its boxes with why, a 409 (review 82: a 404).
            errors = {codes[0] if codes else section: SUBMITTED_OPINION}
            status = 409
        else:
            try:
                errors = services.give_second_opinion(opinion=asked, values=posted, user=request.user)
            except services.OpinionWithdrawn:
                title = next(s.title for s in compiled.sections if s.code == section)
                return _withdrawn(
                    request,
                    assessment,
                    f"No second opinion on “{title}” is asked of anyone now: it was withdrawn, or never asked",
                    409,
                )
            except services.TeamError as exc:
                errors = {codes[0] if codes else section: exc.messages[0]}
        if not errors:
            mine = _opinion_answers(asked)
            # Without a script the page cannot show what an answer brings in (the HIPAA role once the data is
            # PHI), so it comes back with those questions rather than leaving them unasked.
            brought_in = [c for c in services.opinion_questions(asked, {**first, **mine}) if c not in codes]
            if any(c not in mine for c in brought_in):
                messages.info(request, "Saved. Your answers bring in more questions in this section: answer them too.")
                return redirect("teamwork:opinion", pk=pk, section=section)
            messages.success(
                request,
                "Your second opinion is saved. Where it differs from the first answers, whoever started the assessment "
                "decides which stands.",
            )
            return redirect("questionnaire:review", pk=pk)
    shown = set(services.opinion_questions(asked, {**first, **mine}))
    # Refused, nothing of the post is stored: every box shows what was sent, not only the refused ones (review 81:
    # the choices and a valid number were cleared beside one wrong answer).
    context = step_context(compiled, {**first, **mine}, section, posted=posted, errors=errors, keep_sent=bool(errors))
    # Drawn with the reviewer's own answers only (or what they just posted, where refused).
    context["questions"] = [
        replace(q, value=q.value if q.code in posted else mine.get(q.code))  # never a first answer (review 72)
        for q in context["questions"]
        if q.code in shown
    ]
    if not context["questions"]:
        # Which questions a section asks can follow from another section's answers: owing that one's opinion too, its
        # answers are hidden and this page asks nothing until it is given (found with review 81's refused opinion).
        context["give_first"] = [
            (s.title, reverse("teamwork:opinion", args=[pk, s.code]))
            for s in compiled.sections
            if s.code in hidden and s.code != section
        ]
    open_questions = assessment.is_draft and any(q.code not in locked for q in context["questions"])
    context.update(
        assessment=assessment, opinion=asked, can_edit=open_questions, locked=locked, error_intro="Correct these:"
    )
    return render(request, "teamwork/opinion.html", context, status=status if errors else 200)


SUBMITTED_OPINION = (
    "This assessment has been submitted, so a second opinion can no longer be given: what you sent was not saved."
)


def _withdrawn(
    request: MemberRequest,
    assessment: Assessment,
    said: str,
    status: int,
    *,
    heading: str = "This second opinion is not asked now",
) -> HttpResponse:
    """A page of a second opinion no longer there: why, and, for a form sent to it, what it held."""
    compiled = compiled_playbook(assessment.playbook)
    sent = typed_fields(request, compiled.questions, {s.code: s.title for s in compiled.sections})
    words = f"{said}, so what you sent was not saved." if sent else f"{said}."
    context = {
        "heading": heading,
        "said": words,
        "sent": sent,
        "back_url": reverse("questionnaire:review", args=[assessment.pk]),
        "back_label": "Back to the assessment's review",
    }
    return render(request, "not_saved.html", context, status=status)


def _opinion_answers(asked: SecondOpinion) -> dict[str, Any]:
    answers = asked.answers.filter(organisation_id=asked.organisation_id).order_by()
    return dict(answers.values_list("question_code", "value"))


@require_POST
@member_required(EDITOR, of=Assessment)
@answers_gone
def settle(request: MemberRequest, pk: int, question: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    asked = (
        SecondOpinion.objects.filter(
            organisation=request.organisation,
            assessment=assessment,
            answers__organisation=request.organisation,
            answers__question_code=question,
        )
        .distinct()
        .order_by("pk")
        .first()
    )
    if asked is None:
        if question not in compiled_playbook(assessment.playbook).questions:
            raise Http404("No such question in this assessment.")
        if not assessment.is_draft:  # submitted since: nothing is left to settle (review 97)
            said = "This assessment has been submitted, so nothing is left to settle"
            return _withdrawn(request, assessment, said, 409, heading="This assessment has been submitted")
        # Its second opinion withdrawn since the page was opened (review 95: a 404, the reason typed lost).
        said = "No second opinion on this question is open now: it was withdrawn, or never given"
        return _withdrawn(request, assessment, said, 409)
    asked.assessment = assessment
    if not services.may_manage(request.membership, assessment):
        raise PermissionDenied("Only the assessment's owner (who started it, or an organisation owner) settles it.")
    form = SettleForm(request.POST)
    if not form.is_valid():
        problems = list(dict.fromkeys(str(m) for ms in form.errors.values() for m in ms))
        return _settle_refused(request, assessment, problems, 400, question)
    try:
        services.settle(
            opinion=asked,
            question_code=question,
            keep_first=form.cleaned_data["choice"] == "first",
            reason=form.cleaned_data["reason"],
            user=request.user,
            seen=form.cleaned_data["seen"],
        )
    except services.TeamError as exc:
        own = Assessment.objects.filter(organisation_id=assessment.organisation_id)
        if not own.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).exists():
            # Submitted since the page was opened, as before the form was read (review 119: the contributors page's
            # words, and the reason typed lost).
            said = "This assessment has been submitted since this page was opened: nothing is left to settle"
            return _withdrawn(request, assessment, said, 409, heading="This assessment has been submitted")
        return _settle_refused(request, assessment, exc.messages, 409, question)
    messages.success(request, "Settled, with your reason recorded.")
    return redirect("questionnaire:review", pk=pk)


def _settle_refused(
    request: MemberRequest, assessment: Assessment, problems: list[str], status: int, question: str = ""
) -> HttpResponse:
    """The review page again, with the refusal beside the difference it was for and the choice and the reason as sent
    in its form (review 86: a page of its own had lost the choice and left the reason to copy back by hand)."""
    choice = str(request.POST.get("choice", ""))
    request.settle_refused = {  # type: ignore[attr-defined]  # read by the team panel (AssessmentTeam.review_panel)
        "code": question,
        "problems": problems,
        "choice": choice if choice in ("first", "second") else "",
        "reason": str(request.POST.get("reason", "")),
    }
    address = reverse("questionnaire:review", args=[assessment.pk]) + f"#divergence-{question}"
    message = "That difference was not settled: " + " ".join(problems)
    return refused_on(request, message, assessment_review, address=address, status=status, pk=assessment.pk)


MEMBERS_GONE = (
    "A member this page showed is not in the organisation now: removed since it was opened, or never in it, so the "
    "roles chosen for them cannot be saved. Nothing was saved; the page shows your other choices as you sent them: "
    "check them, and save."
)
# A roles field whose member id is not a number at all: no page of this site drew it (review 134: "roles-abc" was told
# a member had been removed).
NOT_A_MEMBER = "The form named a member by something that is not a member's id, so nothing was saved."
GONE_LEFT_ALONE = (
    "A member this page showed is not in the organisation now (removed since it was opened, or never in it): the "
    "roles they held, if any, went with them."
)


def _changed_for(data: QueryDict, key: str) -> bool:
    """Whether the roles sent for ``key`` (``roles-<id>``) differ from what the page drew for it (``was-roles-<id>``);
    a field the page did not draw counts as changed when anything is chosen in it."""
    chosen = set(data.getlist(key))
    if f"was-{key}" not in data:
        return bool(chosen)
    return chosen != {r for r in str(data.get(f"was-{key}", "")).split(",") if r}


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
def roles(request: MemberRequest) -> HttpResponse:
    """The organisation's members and the stakeholder roles each holds; owners change them."""
    members = _members(request)
    held: dict[str, list[str]] = {}
    for membership_id, role in StakeholderRole.objects.filter(membership__in=members).values_list(
        "membership_id", "role"
    ):
        held.setdefault(f"roles-{membership_id}", []).append(role)
    # Refused for a removed member's roles: the page drawn again with the other choices as they were sent.
    kept = getattr(request, "roles_kept", None)
    data = request.POST if request.method == "POST" else kept
    form = StakeholderRolesForm(data, members=members, initial=held)
    if request.method == "POST":
        if not request.membership.is_owner:
            raise PermissionDenied("Owners set their members' stakeholder roles.")
        # Fields of this organisation's members only: another's alone saved nothing and had been told "Saved" (116).
        own = {name for name in form.fields if name.startswith("roles-")}
        # A member the page showed and who is not in the organisation now (removed since it was opened; or an id that
        # was never one of its members): refused in words, nothing saved, the same for both (review 123: a stale page's
        # choice for a removed member was dropped under "Saved").
        # A removed member's boxes left as drawn are no change to refuse (review 125: an owner's change to another
        # member was refused because someone else had been removed meanwhile, as the contributors page does not).
        sent = {key.removeprefix("was-") for key in request.POST if key.removeprefix("was-").startswith("roles-")}
        if any(ascii_int(key.removeprefix("roles-")) is None for key in sent):
            return refused_on(request, NOT_A_MEMBER, roles, address=reverse("teamwork:roles"), status=400)
        # A member's id written another way ("roles-0002") is no field of this page: refused as no member id.
        if any(f"roles-{ascii_int(key.removeprefix('roles-'))}" != key for key in sent):
            return refused_on(request, NOT_A_MEMBER, roles, address=reverse("teamwork:roles"), status=400)
        gone = sent - own
        if any(_changed_for(request.POST, key) for key in gone):
            request.roles_kept = request.POST.copy()  # type: ignore[attr-defined]  # read above, as the page is drawn
            return refused_on(request, MEMBERS_GONE, roles, address=reverse("teamwork:roles"))
        if not any(key in own or key.removeprefix("was-") in own for key in request.POST):
            return refused_on(request, NOTHING_SENT, roles, address=reverse("teamwork:roles"), status=400)
        if form.is_valid():
            changes = form.changes()
            try:
                services.set_stakeholder_roles(
                    roles={m: chosen for m, (_shown, chosen) in changes.items()},
                    shown={m: shown for m, (shown, _chosen) in changes.items()},
                )
            except services.TeamError as exc:
                # The other choices as sent; a clash with a colleague's change shows what is stored.
                if isinstance(exc, services.MembersGone):
                    request.roles_kept = request.POST.copy()  # type: ignore[attr-defined]  # read as the page is drawn
                return refused_on(request, exc.messages[0], roles, address=reverse("teamwork:roles"))
            messages.success(request, "Saved the stakeholder roles.")
            if gone:
                messages.info(request, GONE_LEFT_ALONE)
            if idle := services.roles_left_unanswered(request.organisation.pk):
                messages.warning(request, idle)
            return redirect("teamwork:roles")
    # For a member who is not an owner, each member's roles in words, or none (review 109: four bare emails over
    # empty boxes, in a form with no button).
    held_rows = [
        (field.label, [str(label) for value, label in Stakeholder.choices if value in held.get(name, [])])
        for name, field in form.fields.items()
        if name.startswith("roles-")
    ]
    context = {"form": form, "can_manage": request.membership.is_owner, "held_rows": held_rows}
    return render(request, "teamwork/roles.html", context, status=400 if form.errors else 200)
