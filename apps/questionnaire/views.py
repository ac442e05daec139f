"""The buyer's guided flow: start, step pages with autosave, review, submit.

Step pages are drawn from the compiled (cached) playbook, not from playbook rows, so a step page
and an autosave each cost a fixed handful of queries however many questions the playbook has.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from typing import Any, NoReturn

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import MAX_GET_RESULTS
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.accounts import throttle
from apps.accounts.models import Membership
from apps.accounts.scoping import HtmxMemberRequest, MemberRequest, member_required, pin_to_organisation
from apps.common.hostile import ascii_int, single_param
from apps.common.prepared import PreparedQuery
from apps.playbooks.engine.answers import MARKET_ROLE, OWN_COST_ROLE, answer_text, clean_answers, market_currency
from apps.playbooks.engine.checks import budget_rate_check, checks_for_answers
from apps.playbooks.engine.evaluate import start_date_checks
from apps.playbooks.engine.visibility import Visibility, visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import drafts, extensions, gone, save_rate, services
from apps.questionnaire.extensions import MemberView
from apps.questionnaire.fieldsets import own_cost_unit_swap
from apps.questionnaire.forms import StartAssessmentForm, posted_answers, posted_drawn, posted_loaded
from apps.questionnaire.gone import DraftDeleted, answers_gone
from apps.questionnaire.listing import with_copies_under_originals
from apps.questionnaire.models import Assessment
from apps.questionnaire.progress import draft_progress, step_context

EDITOR = Membership.Role.EDITOR
NOT_POSTED = (
    "Nothing was saved: the answer did not reach the server with this request. "
    "Reload the page and give the answer again."
)

NOT_POSTED_STEP = (
    "Nothing was saved: no answer of this step reached the server with this request. "
    "Reload the page and give the answers again."
)

# The assessments list: a page of this many, and the statuses it can be narrowed to (code: the tab's words).
LIST_PAGE_SIZE = 50
LIST_STATUSES = {"": "All", "draft": "Drafts", "submitted": "Submitted"}


def _assessment_query(organisation: int, pk: int, columns: dict[str, Any]) -> QuerySet[Assessment]:
    # The organisation comes along for the announcements a save sends (apps.common.events), at no extra query.
    qs = Assessment.objects.select_related("playbook", "created_by", "organisation").defer("playbook__definition")
    # As get_for_member's get() would ask: pinned to the organisation, unordered, at most MAX_GET_RESULTS.
    pinned = pin_to_organisation(qs, organisation).filter(pk=pk)
    return (pinned.annotate(**columns) if columns else pinned).order_by()[:MAX_GET_RESULTS]


def _member_assessment(organisation: int, pk: int) -> QuerySet[Assessment]:
    return _assessment_query(organisation, pk, {})


def _member_assessment_and_team(organisation: int, pk: int, member: int) -> QuerySet[Assessment]:
    column = extensions.team.member_view_column(organisation=organisation, assessment=pk, member=member)
    return _assessment_query(organisation, pk, {"member_view": column})


# Every page of the flow loads its assessment so: compiled once per process (apps/common/prepared.py).
_ASSESSMENT = PreparedQuery(_member_assessment)
# An autosave's: the same, with the draft's row version and answers in the same statement (questionnaire.drafts).
_ASSESSMENT_WITH_DRAFT = PreparedQuery(lambda organisation, pk: drafts.with_draft(_member_assessment(organisation, pk)))
# The step page's: with the member's view of the team and the answers (with who gave each and when) in the same
# query, two round trips fewer.
_ASSESSMENT_AND_TEAM = PreparedQuery(
    lambda organisation, pk, member: drafts.with_draft(_member_assessment_and_team(organisation, pk, member))
)


def _assessment(request: MemberRequest, pk: int, query: PreparedQuery = _ASSESSMENT) -> Assessment:
    """The member's organisation's assessment ``pk``, or 404 (``get_for_member``), read by ``query``; a draft
    deleted since raises ``DraftDeleted`` (``answers_gone``)."""
    found = query(organisation=request.organisation.pk, pk=pk)
    if not found:
        _not_found(request, pk)
    return found[0]  # one at most: by primary key


def _deleted_since(request: MemberRequest, pk: int, refused: services.AssessmentError) -> None:
    """A save refused because the draft was deleted after this request read it: the 410 naming who deleted it and
    when (``answers_gone``), as the same request gets once the deletion is done (review 100: a 409 that named nobody).
    """
    if refused.messages[0] == services.DELETED and (deleted := gone.deleted_draft(request, pk)) is not None:
        raise DraftDeleted(deleted)


def _not_found(request: MemberRequest, pk: int) -> NoReturn:
    deleted = gone.deleted_draft(request, pk)
    if deleted is not None:
        raise DraftDeleted(deleted)
    raise Http404("No Assessment matches the given query.")


def _assessment_and_team(request: MemberRequest, pk: int) -> tuple[Assessment, MemberView, drafts.Draft]:
    """``_assessment``, the member's view of its team (``extensions.Team.member_view``) and its answers as
    ``drafts.draft_of`` gives them, in one query."""
    team = extensions.team
    if not team.folds_member_view:
        assessment = _assessment(request, pk, _ASSESSMENT_WITH_DRAFT)
        return assessment, team.member_view(request.membership, assessment), drafts.draft_of(assessment)
    found = _ASSESSMENT_AND_TEAM(organisation=request.organisation.pk, pk=pk, member=request.membership.pk)
    if not found:
        _not_found(request, pk)
    assessment = found[0]  # one at most: by primary key
    return assessment, team.member_view_from(assessment.member_view, assessment), drafts.draft_of(assessment)


def _require_editor(request: MemberRequest) -> None:
    if not request.membership.can_edit:
        raise PermissionDenied("Viewers can read assessments but not change them.")


@require_safe
@member_required()
def assessment_list(request: MemberRequest) -> HttpResponse:
    """The organisation's assessments, the last changed first, a page at a time, all of them or the drafts or the
    submitted ones alone (``?status=``)."""
    try:
        status = single_param(request.GET, "status") or ""
        number = str(single_param(request.GET, "page") or "")
    except ValidationError:
        status, number = None, ""
    if status not in LIST_STATUSES:
        return render(
            request,
            "questionnaire/list_refused.html",
            {"statuses": LIST_STATUSES, "repeated": status is None},
            status=400,
        )
    listed = Assessment.objects.for_organisation(request.organisation)
    if status:
        listed = listed.filter(status=status)
    # The outcome is the submitted assessment's recommendation (a reverse one-to-one).
    # Neither the playbook's frozen definition nor the result's snapshot (each some hundreds of kilobytes of JSON,
    # decoded for every row): the page shows a version, a verdict, a fit score and a cost note.
    listed = (
        listed.select_related("created_by", "playbook", "recommendation")
        .defer("playbook__definition", "recommendation__snapshot")
        .order_by("-updated_at", "-pk")
    )
    # Django's pager reads 0 or a negative number as "past the end" (the last page); here it is the first, as is
    # anything that is not a page number. A number past the last page is the last (however many digits it has).
    wanted = min(ascii_int(number) or 0, 10**9)
    page = Paginator(listed, LIST_PAGE_SIZE).get_page(wanted or 1)
    assessments = list(page.object_list)
    ordered = with_copies_under_originals(assessments)
    membership = request.membership
    open_drafts = [a.pk for a in assessments if a.is_draft]
    mine = extensions.team.member_sections(membership, open_drafts)
    owed = extensions.team.owed_opinions(membership.organisation_id, request.user.pk, open_drafts)
    progress = draft_progress([a for a, _ in ordered], mine=mine, hidden=owed)
    rows = [(row, original) for row, (_, original) in zip(progress, ordered, strict=True)]
    deletable = {a.pk for a in assessments if a.is_draft and a.may_be_deleted_by(membership)}
    # "Your sections" first: the drafts where the member has sections to answer, then the whole list.
    yours = [row for row in progress if row.my_required or row.my_sections]
    context = {
        "rows": rows,
        "assessments": assessments,
        "deletable": deletable,
        "yours": yours,
        "page": page,
        "status": status,
        "statuses": LIST_STATUSES,
        "query": f"status={status}&" if status else "",
    }
    return render(request, "questionnaire/list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(EDITOR)
def assessment_start(request: MemberRequest) -> HttpResponse:
    playbook = Playbook.objects.current()
    if playbook is None:
        return render(request, "questionnaire/no_playbook.html", status=503)
    compiled = compiled_playbook(playbook)
    function_q = compiled.questions.get(compiled.roles.get("function", ""))
    functions = [(o.code, o.label) for o in function_q.options] if function_q else []
    form = StartAssessmentForm(request.POST or None, functions=functions)
    if (
        request.method == "POST"
        and form.is_valid()
        and not throttle.take(
            scope="draft-start", key=str(request.user.pk), limit=settings.DRAFTS_PER_HOUR, seconds=3600
        )
    ):
        # Each start stores a draft: a script in a member's session had started 150 in 21 s (review 112).
        form.add_error(
            None,
            f"You have started {settings.DRAFTS_PER_HOUR} assessments in the last hour, the most an hour allows: "
            "try again later. What you typed is kept here.",
        )
        response = render(request, "questionnaire/start.html", {"form": form, "playbook": playbook}, status=429)
        response["Retry-After"] = "600"
        return response
    if request.method == "POST" and form.is_valid():
        assessment = services.start_assessment(
            organisation=request.organisation,
            user=request.user,
            title=form.cleaned_data["title"],
            function=form.cleaned_data["function"],
            start_key=form.cleaned_data["start_once"],
        )
        return redirect("questionnaire:resume", pk=assessment.pk)
    # As on a step, the template opens on a summary that takes focus, each problem linked to its field.
    context = {"form": form, "playbook": playbook}
    return render(request, "questionnaire/start.html", context, status=400 if form.errors else 200)


@require_safe
@member_required()
@answers_gone
def assessment_resume(request: MemberRequest, pk: int) -> HttpResponse:
    """Where a returning buyer lands: the first step with an unanswered question, else the review."""
    assessment = _assessment(request, pk)
    if not assessment.is_draft:
        # The result lives in the recommendations app; it is linked by URL name only.
        return redirect("recommendations:for_assessment", pk=pk)
    compiled = compiled_playbook(assessment.playbook)
    answers = services.stored_answers(assessment)
    owed = extensions.team.owed_opinions(assessment.organisation_id, request.user.pk, [assessment.pk])
    if hidden := owed.get(assessment.pk):
        # Where the member lands follows the answers they may see (review 77: it told whether a hidden step was done).
        answers = services.outside_sections(compiled, answers, hidden)
    section = visibility(compiled, answers).first_open_section
    if section is None:
        return redirect("questionnaire:review", pk=pk)
    return redirect("questionnaire:step", pk=pk, section=section)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
@answers_gone
def assessment_step(request: MemberRequest, pk: int, section: str) -> HttpResponse:
    assessment, team, draft = _assessment_and_team(request, pk)
    compiled = compiled_playbook(assessment.playbook)
    if section not in {s.code for s in compiled.sections}:
        raise Http404("No such step.")
    if section in team.hidden and assessment.is_draft:
        # A second opinion is given without seeing the first answers: its own page, until it is given.
        return redirect(team.opinion_urls[section])
    answers, given = services.given_answers(draft)
    errors: dict[str, str] = {}
    posted: dict[str, Any] = {}
    keep_sent = False
    seen: Visibility | None = None
    error_intro = "Correct these and save again:"
    if request.method == "POST":
        _require_editor(request)
        kinds = {c: compiled.questions[c].kind for s in compiled.sections if s.code == section for c in s.questions}
        posted = posted_answers(request.POST, kinds)
        if not posted and section in visibility(compiled, answers).sections:
            # No answer of a step that asks some reached the server (a body it cannot read, such as JSON): said, not
            # "Saved." (review 103).
            return _answer_refused(request, assessment, "", NOT_POSTED_STEP, 400)
        if not assessment.is_draft:
            # Submitted since the page was drawn: nothing is saved, and what was sent is shown in its boxes on the step
            # (a 409), where a redirect to the result had shown it nowhere (review 82).
            return _step_not_saved(request, assessment, compiled, section, team, posted, answers, given, SUBMITTED_SENT)
        if wait := save_rate.take(request.user.pk):
            # Nothing saved, and the step drawn again with what was sent in its boxes: nothing typed is lost.
            messages.error(request, SAVES_TOO_FAST.format(wait=wait))
            # What was sent is shown in its boxes, as sent; what is asked follows the stored answers with the sent
            # ones that are valid, cleaned (a number sent as text was compared with a rule's bound: a 500, review 65).
            sent = {c: v for c, v in posted.items() if v not in (None, "", [])}
            valid, _ = clean_answers(compiled.questions, sent)
            context = step_context(compiled, {**answers, **valid}, section, posted=posted, given=given, keep_sent=True)
            context.update(assessment=assessment, can_edit=True, team=team, error_intro=error_intro)
            response = render(request, "questionnaire/step.html", context, status=429)
            response["Retry-After"] = str(wait)
            return response
        # The valid answers are kept even when another on the step is refused: nothing typed is lost.
        try:
            result = services.record_answers(
                assessment=assessment,
                values=posted,
                strict_visibility=False,
                save_valid=True,
                user=request.user,
                loaded=posted_loaded(request.POST, posted),
                drawn=posted_drawn(request.POST, posted),
                hidden_sections=team.hidden,
            )
        except services.AssessmentError as exc:
            # Submitted or deleted between the read above and the draft's lock (review 85: a 500, what was sent lost).
            _deleted_since(request, pk, exc)
            said = DELETED_SENT if exc.messages[0] == services.DELETED else SUBMITTED_SENT
            return _step_not_saved(request, assessment, compiled, section, team, posted, answers, given, said)
        for code, replaced in result.replaced.items():
            messages.warning(request, f"{compiled.questions[code].prompt} {replaced.message}")
        for code, kept in result.kept.items():
            messages.info(request, f"{compiled.questions[code].prompt} {kept.message}")
        if not result.errors and result.kept:
            # An answer changed elsewhere since this page was drawn was kept over the box sent as drawn: the step is
            # drawn again at it, for the member to see which answer stands before going on (review 126: without
            # JavaScript the page moved on to the next step, and the answer chosen seemed lost).
            order = next(s.questions for s in compiled.sections if s.code == section)
            first = next((c for c in order if c in result.kept), next(iter(result.kept)))
            messages.success(request, "Your other answers on this step are saved. Check the one kept before going on.")
            url = reverse("questionnaire:step", kwargs={"pk": assessment.pk, "section": section})
            return redirect(f"{url}#q-{first}")
        if not result.errors:
            return _after_step(request, assessment, compiled, section, result, team.hidden, answers)
        answers, errors, seen = result.answers, result.errors, result.seen
        if result.saved or result.cleared:
            error_intro = "Your other answers on this step are saved. Correct these and save again:"
            # The page drawn again carries the stamps of what is stored now: with those from before the save, a box
            # saved here and then changed back read as "untouched since drawn" and was not saved (review 57).
            fresh = drafts.read_draft(assessment)
            if fresh is not None:
                _, given = services.given_answers(fresh)
        if request.POST.get(NO_SCRIPT) == "1":
            # Sent by a browser without JavaScript (the field is inside <noscript>): the refused step is shown by a
            # GET after a redirect, so going Back to it later loads it again instead of asking to resend the form
            # (with JavaScript, static/js/request-status.js turns the page's history entry into a GET instead).
            request.session[_refused_key(assessment.pk, section)] = {
                "posted": posted,
                "errors": errors,
                "intro": error_intro,
            }
            return redirect("questionnaire:step", pk=pk, section=section, permanent=False)
    elif request.method == "GET":
        refused = request.session.pop(_refused_key(assessment.pk, section), None)
        if isinstance(refused, dict) and assessment.is_draft:
            posted, errors = refused.get("posted") or {}, refused.get("errors") or {}
            error_intro = refused.get("intro") or error_intro
        elif (
            (resent := _sent_before_signing_in(request)) is not None
            and assessment.is_draft
            and request.membership.can_edit
            and section not in team.hidden
        ):
            kinds = {c: compiled.questions[c].kind for s in compiled.sections if s.code == section for c in s.questions}
            posted = _changed_boxes(compiled, posted_answers(resent, kinds), posted_drawn(resent, kinds))
            keep_sent = True
            messages.warning(
                request,
                "What you sent before signing in again is back in its boxes, not saved yet: check it, then save "
                "it with the buttons at the foot of the step.",
            )
    if team.hidden:
        # The list of steps counts each step's answers: seen as if the owed sections had none (``review_context``).
        answers = services.outside_sections(compiled, answers, team.hidden)
        seen = None
    context = step_context(
        compiled, answers, section, posted=posted, errors=errors, seen=seen, given=given, keep_sent=keep_sent
    )
    context.update(assessment=assessment, can_edit=assessment.is_draft and request.membership.can_edit, team=team)
    context["error_intro"] = error_intro
    return render(request, "questionnaire/step.html", context, status=400 if errors else 200)


SUBMITTED_SENT = (
    "This assessment has been submitted, so what you sent was not saved: its answers can no longer change. What you "
    "sent is shown below; to try it, open the result and use What if…."
)
DELETED_SENT = (
    "This draft has been deleted, so what you sent was not saved. What you sent is shown below, to copy into another "
    "assessment."
)


def _step_not_saved(
    request: MemberRequest,
    assessment: Assessment,
    compiled: Any,
    section: str,
    team: MemberView,
    posted: dict[str, Any],
    answers: Mapping[str, Any],
    given: Mapping[str, Any],
    said: str,
) -> HttpResponse:
    """The step drawn again with what was sent in its boxes, read-only, and why nothing was saved (409)."""
    messages.error(request, said)
    context = step_context(compiled, answers, section, posted=posted, given=given, keep_sent=True)
    context.update(assessment=assessment, can_edit=False, team=team, error_intro="Correct these and save again:")
    return render(request, "questionnaire/step.html", context, status=409)


# An answer in a section whose first answers are hidden from the member until they give their second opinion.
SECOND_OPINION_FIRST = (
    "Not saved: you are asked for a second opinion on this step, so its answers stay hidden from you, and cannot be "
    "changed, until you have given yours."
)
# A member saving faster than ``ANSWER_SAVES_PER_MINUTE`` (apps/questionnaire/save_rate.py).
SAVES_TOO_FAST = (
    "Not saved: answers are being saved faster than a person types. Wait {wait} s and save again; "
    "what you typed is still here."
)
# The field a step form carries only without JavaScript (inside <noscript>, see step.html).
NO_SCRIPT = "nojs"


def _changed_boxes(compiled: Any, posted: dict[str, Any], drawn: Mapping[str, str]) -> dict[str, Any]:
    """The boxes of a kept step that were changed on the page (the value sent is not the one drawn): the others show
    what is stored now, a colleague's newer answer included (review 78: a box left as drawn had put an older value
    back). A box sent without its digest, or not read as an answer, is kept as sent."""
    changed = {}
    for code, raw in posted.items():
        cleaned, problems = clean_answers(compiled.questions, {code: raw} if raw not in (None, "", []) else {})
        value = cleaned.get(code)
        if problems or code not in drawn or drawn[code] != services.drawn_digest(value):
            changed[code] = raw
    return changed


def _sent_before_signing_in(request: MemberRequest) -> QueryDict | None:
    """The step this page sent without JavaScript after the session ended (``kpo_advisor.middleware``), taken out of
    the session: its form as sent, when it was this page's and within ``SENT_STEP_SECONDS``; else None."""
    from kpo_advisor.middleware import SENT_STEP_KEY, SENT_STEP_SECONDS

    kept = request.session.get(SENT_STEP_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[SENT_STEP_KEY]
    if kept.get("user") != str(request.user.pk):
        return None  # another member signed in on the browser: what the last one typed is not theirs to see
    at, data = kept.get("at"), kept.get("data")
    if not isinstance(at, int | float) or time.time() - at > SENT_STEP_SECONDS or not isinstance(data, dict):
        return None
    sent = QueryDict(mutable=True)
    for key, values in data.items():
        if isinstance(key, str) and isinstance(values, list) and all(isinstance(v, str) for v in values):
            sent.setlist(key, values)
    return sent


def _refused_key(pk: int, section: str) -> str:
    """The session key holding a refused step's typed answers and messages until the GET after it shows them."""
    return f"refused-step:{pk}:{section}"


def _after_step(
    request: MemberRequest,
    assessment: Assessment,
    compiled: Any,
    section: str,
    result: Any,
    hidden: frozenset[str] = frozenset(),
    before: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Where a saved step goes next, and what it says. ``hidden``: the sections whose second opinion the member owes,
    with the answers ``before`` the save: what is shown, and which step comes next, follow the answers as the member
    sees them (review 75: "Back" led to a step only the hidden first answers open)."""
    if hidden:
        seen = visibility(compiled, services.outside_sections(compiled, result.answers, hidden))
        earlier = visibility(compiled, services.outside_sections(compiled, before or {}, hidden))
        opened = set(seen.questions) - set(earlier.questions)
    else:
        # What the saved answers show, worked out once by the save and read here for the message and the next step.
        seen = result.seen or visibility(compiled, result.answers)
        opened = result.visible_after - result.visible_before
    order = next(s.questions for s in compiled.sections if s.code == section)
    closed_codes = (
        set(earlier.questions) - set(seen.questions) if hidden else result.visible_before - result.visible_after
    )
    closed = [c for c in order if c in closed_codes]
    note = f" {_closed_note(compiled, closed, result.answers)}" if closed else ""
    note += _market_note(compiled, result.saved, result.answers)
    note += _rate_note(compiled, result.saved, result.answers)
    newly_shown = [c for c in opened if compiled.questions[c].section == section]
    if newly_shown:
        # Named in the step's order, and the page opened at the first of them: without JavaScript the page reloads
        # at its top, and a new question far down it would go unseen.
        shown = [c for c in order if c in newly_shown]
        named = "; ".join(f"“{compiled.questions[c].prompt}”" for c in shown)
        what = "a question" if len(shown) == 1 else "more questions"
        messages.info(request, f"Saved. Your answers opened {what} on this step: {named}{note}")
        url = reverse("questionnaire:step", kwargs={"pk": assessment.pk, "section": section})
        return redirect(f"{url}#q-{shown[0]}")
    note += _impossible_note(compiled, order, result.answers, hidden, seen)
    still_open = len(seen.missing_in(section))
    if still_open:
        what = "question still needs" if still_open == 1 else "questions still need"
        title = next(s.title for s in compiled.sections if s.code == section)
        messages.warning(request, f"Saved.{note} {still_open} {what} an answer on “{title}”; you can come back to it.")
    elif "cannot be submitted" in note:
        messages.warning(request, f"Saved.{note}")
    else:
        messages.success(request, f"Saved.{note}")
    target = _neighbour(compiled, seen, section, -1 if "back" in request.POST else +1)
    # A step chosen in the list of steps (its buttons save this step first), when the answers still show it.
    chosen = request.POST.get("goto")
    if chosen in seen.sections and chosen != section:
        target = chosen
    # A question's "Save this step, then comment" (without JavaScript): its thread, once the step is saved.
    if isinstance(chosen, str) and chosen.startswith("comment:"):
        code = chosen.removeprefix("comment:")
        if code in seen.questions and compiled.questions[code].section == section:
            return redirect("discussion:question", pk=assessment.pk, question=code)
    if target is None or "review" in request.POST:
        return redirect("questionnaire:review", pk=assessment.pk)
    return redirect("questionnaire:step", pk=assessment.pk, section=target)


def _neighbour(compiled: Any, seen: Visibility, section: str, step: int) -> str | None:
    shown = seen.sections
    codes = [s.code for s in compiled.sections if s.code in shown or s.code == section]
    index = codes.index(section) + step
    return codes[index] if 0 <= index < len(codes) else None


@require_POST
@member_required(EDITOR, header=False, of=Assessment)
@answers_gone
def assessment_answer(request: HtmxMemberRequest, pk: int, question: str) -> HttpResponse:
    """Autosave one answer. htmx gets the fragments that changed; a plain post is sent back to its step."""
    # With the member's view of the team in the same statement: a section whose second opinion they owe is hidden
    # from them, and was still open to this URL (review 55: its first answers overwritten, unseen).
    assessment, team, draft = _assessment_and_team(request, pk)
    compiled = compiled_playbook(assessment.playbook)
    q = compiled.questions.get(question)
    if q is None:
        raise Http404("No such question in this assessment.")
    if not assessment.is_draft:
        return _answer_refused(
            request, assessment, q.code, "This assessment has been submitted; its answers can no longer change.", 409
        )
    if q.section in team.hidden:
        return _answer_refused(request, assessment, q.code, SECOND_OPINION_FIRST, 409)
    if wait := save_rate.take(request.user.pk):
        refused = _answer_refused(request, assessment, q.code, SAVES_TOO_FAST.format(wait=wait), 429)
        refused["Retry-After"] = str(wait)
        return refused
    posted = posted_answers(request.POST, {q.code: q.kind})
    if q.code not in posted:
        # A body without this field (empty, JSON, or one the server could not read) says nothing about
        # the answer; reading it as "clear it" would delete what the buyer gave.
        return _answer_refused(request, assessment, q.code, NOT_POSTED, 400)
    try:
        loaded = posted_loaded(request.POST, [q.code])
        result = services.record_answers(
            assessment=assessment,
            values=posted,
            user=request.user,
            loaded=loaded,
            draft=draft,
            hidden_sections=team.hidden,
        )
    except services.AssessmentError as exc:
        _deleted_since(request, pk, exc)
        return _answer_refused(request, assessment, q.code, exc.messages[0], 409)
    if result.errors:
        # Said with what is stored, so boxes left as refused are not read as saved (review 117: "Saved." from the
        # tick before, and the refusal, with three boxes ticked and one stored).
        given = services.given_answers(draft)[0]
        market = given.get(compiled.roles.get(MARKET_ROLE, ""))
        shown = answer_text(q, given.get(q.code), market=market, priced=q.role == OWN_COST_ROLE)
        kept = f" The answer stored stays “{shown}”." if shown else " Nothing is stored for it yet."
        return _answer_refused(request, assessment, q.code, f"Not saved: {result.errors[q.code]}{kept}", 400)
    replaced = result.replaced.get(q.code)
    if not request.htmx:
        if replaced:
            messages.warning(request, f"{q.prompt} {replaced.message}")
        return redirect("questionnaire:step", pk=pk, section=q.section)
    in_section = next(s.questions for s in compiled.sections if s.code == q.section)
    if team.hidden:
        # Drawn from the answers as the member sees them, without those of the sections whose second opinion they
        # owe, and every question of the step sent: which ones changed would tell (review 75: the list of steps and
        # the progress sent back had counted the hidden answers).
        before = services.outside_sections(compiled, services.given_answers(draft)[0], team.hidden)
        view = services.outside_sections(compiled, result.answers, team.hidden)
        seen_now = visibility(compiled, view)
        context = step_context(compiled, view, q.section, seen=seen_now)
        visible_before, visible_after = set(visibility(compiled, before).questions), set(seen_now.questions)
        changed = set(in_section)
    else:
        context = step_context(compiled, result.answers, q.section, seen=result.seen)
        visible_before, visible_after = result.visible_before, result.visible_after
        changed = (visible_after ^ visible_before) & set(in_section)
    context.update(assessment=assessment, can_edit=True)
    status = {"status_code": q.code, "status": "replaced" if replaced else "saved"}
    if q.code not in result.answers:
        # An emptied box removes the answer: said so, not "Saved" (review 45), with whether the step still needs it,
        # and whose answer the removal replaced (review 123: it read "yours replaced it" after "Saved" alone).
        needed = q.required and result.seen is not None and q.code in result.seen.questions
        removed = "Answer removed: it is needed before you submit." if needed else "Answer removed."
        status.update(status="cleared", message=f"{removed} {replaced.message}" if replaced else removed)
    elif replaced:
        status["message"] = replaced.message
    opened = [c for c in in_section if c in visible_after - visible_before]
    if opened and status["status"] == "saved":
        # Said in the status line a screen reader announces, as the page without JavaScript says it (review 76: the
        # questions appeared unannounced, and only the progress line changed).
        what = "a question" if len(opened) == 1 else f"{len(opened)} more questions"
        named = "; ".join(f"“{compiled.questions[c].prompt}”" for c in opened)
        status["message"] = f"It opened {what} below: {named}"
    closed = [c for c in in_section if c in visible_before - visible_after]
    if closed and status["status"] in ("saved", "cleared"):  # an answer removed closes its follow-ups too (review 83)
        # As said when questions open (review 78: the closing answer said "Saved" alone, and boxes vanished).
        status["message"] = (status.get("message", "") + " " + _closed_note(compiled, closed, result.answers)).strip()
    slip = _impossible_note(compiled, [q.code], result.answers, team.hidden, result.seen)
    slip += _market_note(compiled, result.saved, result.answers)
    slip += _rate_note(compiled, result.saved, result.answers)
    if status["status"] in ("saved", "replaced") and slip:  # a colleague's answer replaced too (review 123)
        status["message"] = (status.get("message", "") + slip).strip()
    parts = [render_to_string("questionnaire/step.html#status", {**context, **status}, request)]
    # The stamp this page now holds for the answer, so its next save is compared with this one. An answer removed is
    # stamped as a page draws a question with no answer, not with the time it was removed (review 117: a value typed
    # after clearing the box, and kept over a reload, was refused as typed over a later answer, though it was saved).
    answered = q.code in result.answers
    now = services.Given(by="", at=result.answered_at if answered else None, value=result.answers.get(q.code))
    stamp: dict[str, object] = {"code": q.code, "stamp": now.stamp, "oob": True}
    parts.append(render_to_string("questionnaire/step.html#loaded", stamp, request))
    parts.append(render_to_string("questionnaire/step.html#progress", {**context, "oob": True}, request))
    parts.append(render_to_string("questionnaire/step.html#sections", {**context, "oob": True}, request))
    for item in context["questions"]:
        if item.code in changed:
            parts.append(
                render_to_string("questionnaire/step.html#question", {**context, "item": item, "oob": True}, request)
            )
        elif item.question.role == OWN_COST_ROLE and q.role == MARKET_ROLE:  # chosen, or cleared (review 97)
            # The currency beside the own in-house cost's box follows the country just chosen.
            parts.append(own_cost_unit_swap(item))
    return HttpResponse("".join(parts))


# The roles whose answers the checks of hours no one can work read (``checks.answer_checks``).
_HOURS_ROLES = ("annual_hours", "team_size", "duration_weeks", "peak_share")


def _impossible_note(
    compiled: Any, codes: Iterable[str], answers: Mapping[str, Any], hidden: Collection[str], seen: Visibility | None
) -> str:
    """When a save of ``codes`` touched the hours or the people and they now make hours no one can work: what the review
    page will say and that submitting waits for it (review 83: the step said "Saved" alone); "" otherwise, and for a
    member owing a second opinion (the check could read answers hidden from them)."""
    touched = {compiled.roles.get(role) for role in _HOURS_ROLES} & set(codes)
    if not touched or hidden:
        return ""
    seen = seen or visibility(compiled, answers)  # worked out only for a save of the hours or the people
    found = [c.text for c in checks_for_answers(compiled.roles, seen.answers) if c.impossible]
    return f" But it cannot be submitted as it is: {found[0]}" if found else ""


def _market_note(compiled: Any, codes: Iterable[str], answers: Mapping[str, Any]) -> str:
    """When a save of ``codes`` set the in-house costs' country while the buyer's own in-house cost is stored: the
    currency the cost is now read in, to check (review 92: choosing the US after "£95,000" re-read it as $95,000
    without a word); "" otherwise."""
    market_code, cost_code = compiled.roles.get(MARKET_ROLE), compiled.roles.get(OWN_COST_ROLE)
    cost = answers.get(cost_code) if cost_code else None
    if not market_code or market_code not in set(codes) or cost is None:
        return ""
    shown = answer_text(compiled.questions[cost_code], cost, market=answers.get(market_code), priced=True)
    return (
        f" Your own in-house cost is now read as {shown}, in {market_currency(answers.get(market_code))[1]}: check it."
    )


def _rate_note(compiled: Any, codes: Iterable[str], answers: Mapping[str, Any]) -> str:
    """When a save of ``codes`` set the budget exchange rate (or the market it is read in) to one far outside the band
    the cost catalogue allows around its reference rate: the review page's check, said as it is saved (review 104:
    127 pounds per 100 dollars said "Saved" alone, where 1.27 was questioned); "" otherwise."""
    rate_code, market_code = compiled.roles.get("budget_fx"), compiled.roles.get(MARKET_ROLE)
    if not rate_code or not {rate_code, market_code} & set(codes):
        return ""
    check = budget_rate_check(compiled.catalogue.cost_assumptions, answers.get(rate_code), answers.get(market_code))
    return f" But check it: {check.text}" if check else ""


def _closed_note(compiled: Any, closed: list[str], answers: Mapping[str, Any]) -> str:
    """What a save that closed questions of its step says of them, in the step's order. An answer given there is kept
    but does not count while its question is closed (the engine reads a hidden question as unanswered): said so."""
    named = "; ".join(f"“{compiled.questions[c].prompt}”" for c in closed)
    what = "a question that no longer applies" if len(closed) == 1 else f"{len(closed)} questions that no longer apply"
    counted = [c for c in closed if answers.get(c) not in (None, "", [])]
    kept = ""
    if counted:
        kept = (
            " Its answer is kept, and counts again if the question comes back."
            if len(closed) == 1
            else " Answers given there are kept, and count again if their questions come back."
        )
    return f"It closed {what}: {named}{kept}"


def _answer_refused(
    request: MemberRequest, assessment: Assessment, code: str, message: str, status: int
) -> HttpResponse:
    htmx = bool(getattr(request, "htmx", False))
    template = "questionnaire/step.html#status" if htmx else "questionnaire/refused.html"
    context = {"status_code": code, "status": "error", "message": message, "assessment": assessment}
    return render(request, template, context, status=status)


@require_safe
@member_required()
@answers_gone
def assessment_review(request: MemberRequest, pk: int) -> HttpResponse:
    return render(request, "questionnaire/review.html", review_context(request, pk))


def review_context(request: MemberRequest, pk: int) -> dict[str, Any]:
    """The review page's context for the member: the answers by section, the checks of answers that disagree, the
    team's panel. Also the submit refusal's, so what a member owing a second opinion may not see stays hidden there
    too (review 70: the checks quoted the hidden first answers on both)."""
    assessment = _assessment(request, pk, _ASSESSMENT_WITH_DRAFT)
    compiled = compiled_playbook(assessment.playbook)
    membership = request.membership
    answers, given = services.given_answers(drafts.draft_of(assessment))
    team = extensions.team.member_view(membership, assessment) if assessment.is_draft else None
    hidden = team.hidden if team is not None else frozenset()
    if hidden:
        # Seen as if the sections the member owes an opinion on had no answers: which questions show, how many are
        # missing and the counts would otherwise tell what the hidden answers are (review 72: a PHI follow-up listed
        # as missing told that PHI was ticked).
        answers = services.outside_sections(compiled, answers, hidden)
    seen = visibility(compiled, answers)
    context = step_context(compiled, answers, None, given=given, seen=seen)
    if hidden:
        context["missing"] = [q for q in context["missing"] if q.section not in hidden]
    # Answers that disagree with one another, each with the visible questions to look at again; none that reads an
    # answer the member may not see yet.
    checks = []
    found = checks_for_answers(compiled.roles, seen.answers, compiled.catalogue.cost_assumptions)
    for check in (*found, *start_date_checks(compiled, seen)):
        codes = [code for role in check.roles if (code := compiled.roles.get(role, "")) in compiled.questions]
        if any(compiled.questions[code].section in hidden for code in codes):
            continue
        checks.append(
            (check.text, [compiled.questions[code] for code in codes if code in seen.questions], check.impossible)
        )
    context.update(
        answer_checks=checks if assessment.is_draft else [],
        checks_hold_submit=assessment.is_draft and any(impossible for *_, impossible in checks),
        assessment=assessment,
        can_edit=assessment.is_draft and membership.can_edit,
        can_delete=assessment.is_draft and assessment.may_be_deleted_by(membership),
        team=team,
        team_panel=extensions.team.review_panel(request, assessment, compiled, answers, given, view=team),
    )
    # Worked out with the team's panel just drawn: differences with a second opinion not settled, said beside submit.
    context["unsettled"] = getattr(request, "unsettled_differences", 0)
    return context


def _deletable(request: MemberRequest, pk: int) -> Assessment:
    assessment = _assessment(request, pk)
    if not assessment.may_be_deleted_by(request.membership):
        raise PermissionDenied("Editors delete the drafts they started; owners delete any draft.")
    return assessment


@require_safe
@member_required(EDITOR, of=Assessment)
@answers_gone
def assessment_delete_confirm(request: MemberRequest, pk: int) -> HttpResponse:
    """The question "delete this draft?" as a page, so deleting works without JavaScript."""
    assessment = _deletable(request, pk)
    context = {
        "assessment": assessment,
        "answer_count": services.answers_of(assessment).count(),
        "answers_digest": services.answers_digest(assessment),
    }
    return render(request, "questionnaire/delete.html", context, status=200 if assessment.is_draft else 409)


def _drawn_digest(request: MemberRequest) -> str | None:
    """The answers' digest the delete page drew (``services.answers_digest``), or None when the form sent none it
    could have drawn (an older page: its answer count alone is checked). Sent twice, it is no digest: "" (refused)."""
    values = request.POST.getlist("answers_digest")
    if not values:
        return None
    if len(values) > 1:
        return ""
    sent = str(values[0])
    return sent if len(sent) == 16 and all(c in "0123456789abcdef" for c in sent) else ""


@require_POST
@member_required(EDITOR, of=Assessment)
@answers_gone
def assessment_delete(request: MemberRequest, pk: int) -> HttpResponse:
    assessment = _deletable(request, pk)
    shown = str(request.POST.get("answers_shown", ""))
    try:
        services.delete_draft(
            assessment=assessment,
            by=request.user,
            answers_shown=ascii_int(shown, max_digits=8),
            digest=_drawn_digest(request),
        )
    except services.DraftGrew as exc:
        context = {
            "assessment": assessment,
            "answer_count": exc.now,
            "answers_digest": services.answers_digest(assessment),
            "grew": exc.messages[0],
        }
        return render(request, "questionnaire/delete.html", context, status=409)
    except services.AssessmentError as exc:
        context = {"assessment": assessment, "refused": exc.messages[0]}
        return render(request, "questionnaire/delete.html", context, status=409)
    except Assessment.DoesNotExist:
        # Deleted by a request that held its lock first: the 410 naming who (``answers_gone``), not a 404.
        raise Http404("No Assessment matches the given query.") from None
    messages.success(request, f"Deleted the draft “{assessment.title}”.")
    return redirect("questionnaire:list")
