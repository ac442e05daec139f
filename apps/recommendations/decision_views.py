"""What-if on a stored recommendation, and the decision memo. Scoped to the member's organisation.

What-if posts the answers (so the token never lands in a URL) but stores nothing; any member may
use it. Saving a what-if as a new assessment is for editors and owners.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResult, TaskResultStatus
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.accounts import throttle
from apps.accounts.models import Membership
from apps.accounts.scoping import HtmxMemberRequest, MemberRequest, get_for_member, member_required
from apps.common.hostile import looks_blank
from apps.playbooks.engine import CompiledPlaybook
from apps.playbooks.engine.answers import OWN_COST_ROLE
from apps.playbooks.engine.checks import checks_for_answers
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire.fieldsets import fieldset, own_cost_unit_swap
from apps.questionnaire.forms import posted_answers
from apps.questionnaire.progress import step_context
from apps.questionnaire.services import AssessmentError
from apps.recommendations import memo, services, whatif
from apps.recommendations import tasks as memo_tasks
from apps.recommendations.models import Recommendation
from apps.tasks.worker import worker_alive

EDITOR = Membership.Role.EDITOR
logger = logging.getLogger(__name__)
TITLE_FIELD = "whatif_title"


def _recommendation(request: MemberRequest, pk: int) -> Recommendation:
    queryset = Recommendation.objects.select_related("assessment", "playbook").defer("playbook__definition")
    return get_for_member(request, queryset, pk=pk)


def _kinds(compiled: CompiledPlaybook) -> dict[str, str]:
    return {code: q.kind for code, q in compiled.questions.items()}


def _context(
    request: HtmxMemberRequest, rec: Recommendation, compiled: CompiledPlaybook, result: whatif.WhatIf
) -> dict:
    steps = step_context(compiled, result.answers, None, posted=result.posted, errors=result.errors)
    by_code = {item.code: item for item in steps["questions"]}
    visible_sections = {s.code for s in steps["sections"] if s.visible}
    blocks = [(s, s.code in visible_sections, [by_code[c] for c in s.questions]) for s in compiled.sections]
    default_title = f"{rec.title} (what-if)"[:200]
    # Hours no one could work, judged on the answers that show, as the review page does: said beside the live result,
    # which rests on them (review 86: only saving the what-if said so).
    shown = {c: result.answers[c] for c in result.evaluation.visible if c in result.answers}
    found = checks_for_answers(compiled.roles, shown, compiled.catalogue.cost_assumptions)
    impossible = [c.text for c in found if c.impossible]
    return {
        "rec": rec,
        "w": result,
        "impossible": impossible,
        # The other answers that do not fit together, as the result page and the review name them (review 96: the
        # what-if showed a saving for 20,000 hours by 5 people without a word).
        "checks": [c.text for c in found if not c.impossible],
        "blocks": blocks,
        # A question a change shows is said once in the intro, each listed as not answered yet (review 166: the same
        # sentence three times over); its own message stays beside it.
        "error_summary": [
            (target, name, NOT_ANSWERED_YET if message == whatif.REQUIRED_SHOWN else message)
            for target, name, message in steps["error_summary"]
        ],
        "error_intro": _error_intro(result),
        # Only questions a change shows: a next step, headed and shown as one (review 163: "There is a problem").
        "error_next_step": (next_step := bool(result.shown_unanswered and not result.refused)),
        "error_title": "Your change needs an answer" if next_step else "",
        "playbook": compiled,  # its questions' fieldsets are drawn from parts made once per compiled playbook
        "can_edit": True,  # every field is editable: what-if stores nothing
        "can_save": request.membership.can_edit,
        "save_title": str(request.POST.get(TITLE_FIELD, "")).strip()[:200] or default_title,
        "title_field": TITLE_FIELD,
    }


NOT_ANSWERED_YET = "Not answered yet."


def _error_intro(result: whatif.WhatIf) -> str:
    """What the what-if's error summary opens with: a refusal only where a value was refused; a question a change shows
    is a next step, not an error (review 161: "can't be used as typed … the stored answers count" over a question
    nothing was typed in, with no stored answer)."""
    shown = result.shown_unanswered
    if shown and not result.refused:
        return (
            "Your change shows a question that needs an answer:"
            if shown == 1
            else ("Your change shows questions that need an answer:")
        )
    if shown:
        # Review 166: one long sentence for both kinds read as a riddle.
        return (
            "Correct the answers that can't be used as typed (the stored answer counts until you do), and answer the "
            "questions your change shows:"
        )
    return "These answers can't be used as typed; the stored answers count in their place until you correct them:"


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
def what_if(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    """Change any answer and see the recommendation scored again; htmx gets the result and what moved."""
    rec = _recommendation(request, pk)
    compiled = compiled_playbook(rec.playbook)
    posted = posted_answers(request.POST, _kinds(compiled)) if request.method == "POST" else {}
    result = whatif.run(rec, compiled, posted)
    context = _context(request, rec, compiled, result)
    # A question a change shows, left for the buyer to answer, is no bad input: said beside it, answered 200.
    status = 400 if result.refused else 200
    if not request.htmx:
        return render(request, "recommendations/whatif.html", context, status=status)
    return HttpResponse(_fragments(request, compiled, context, posted), status=status)


def _fragments(request: HtmxMemberRequest, compiled: CompiledPlaybook, context: dict, posted: dict[str, Any]) -> str:
    """The result panel, each posted field's status, and the questions and steps whose visibility changed.

    The browser posts only the questions it shows (hidden fieldsets are disabled), so what it showed
    is known from the post itself."""
    result: whatif.WhatIf = context["w"]
    shown_before = set(posted)
    shown_after = set(result.evaluation.visible)
    sections_after = set(result.evaluation.visible_sections)
    sections_before = {compiled.questions[c].section for c in shown_before}
    parts = [render_to_string("recommendations/whatif.html#result", context, request)]
    parts.append(render_to_string("recommendations/whatif.html#glance", {**context, "oob": True}, request))
    # Always sent, so the summary empties once the last bad value is corrected.
    parts.append(render_to_string("recommendations/whatif.html#errors", {**context, "oob": True}, request))
    if context.get("can_save"):
        # What saving makes (a scored copy, or a draft to finish) follows the answers too (review 155: with JavaScript
        # the box still said "scored" after a change showed a required question left unanswered).
        parts.append(render_to_string("recommendations/whatif.html#savenote", {**context, "oob": True}, request))
    for section, visible, items in context["blocks"]:
        if (section.code in sections_before) != visible and (visible or section.code not in sections_after):
            parts.append(
                render_to_string(
                    "recommendations/whatif.html#block",
                    {**context, "section": section, "visible": visible, "items": items, "oob": True},
                    request,
                )
            )
            continue
        for item in items:
            if (item.code in shown_before) != (item.code in shown_after):
                parts.append(fieldset(compiled, item, autosave=False, can_edit=context["can_edit"], oob=True))
                continue
            if item.question.role == OWN_COST_ROLE:
                # The currency beside the own in-house cost's box follows the country chosen in this what-if.
                parts.append(own_cost_unit_swap(item))
            if item.code in posted:
                status = "error" if item.error else ""
                parts.append(
                    render_to_string(
                        "recommendations/whatif.html#status",
                        {"status_code": item.code, "status": status, "message": item.error},
                        request,
                    )
                )
    return "".join(parts)


@require_POST
@member_required(EDITOR, of=Recommendation)
def what_if_save(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    """Store the what-if as a new assessment (the original and its recommendation are untouched)."""
    rec = _recommendation(request, pk)
    compiled = compiled_playbook(rec.playbook)
    # A required answer cleared is saved cleared: the copy is a draft to finish, not scored.
    result = whatif.run(rec, compiled, posted_answers(request.POST, _kinds(compiled)), keep_required=False)
    context = _context(request, rec, compiled, result)
    sent = request.POST.getlist(TITLE_FIELD)
    title = " ".join(str(sent[-1] if sent else "").split())
    if looks_blank(title):  # characters that draw nothing name nothing (review 65)
        title = ""
    # A name given twice, or longer than an assessment's title holds, is refused, not taken last or cut (review 85).
    if len(sent) > 1:
        name_problem = f"Give the new assessment one name, not {len(sent)}."
    elif not title:
        name_problem = "Give the new assessment a name."
    elif (length := len(title)) > 200:  # as the start form and the column count it (review 87: never cut)
        name_problem = f"Keep the name to 200 characters or fewer (this one has {length:,})."
    else:
        name_problem = ""
    if result.errors or name_problem:
        context["save_error"] = name_problem
        context["save_error_name"] = bool(name_problem)
        if name_problem:  # the box as it was sent, beside its message (review 66: refilled, it contradicted it)
            context["save_title"] = title
            if context.get("error_summary"):  # listed with the refused answers, so the summary names every problem
                name = ("id_" + TITLE_FIELD, "Name for the new assessment", name_problem)
                context["error_summary"] = [*context["error_summary"], name]
        return render(request, "recommendations/whatif.html", context, status=400)
    if not result.changed_answers:
        # The same answers on the same playbook version would store a copy of this recommendation (review 41).
        context["save_error"] = (
            "You haven't changed any answers, so there is nothing new to save: change an answer first. "
            "To score these answers on a newer playbook, re-score the recommendation instead."
        )
        return render(request, "recommendations/whatif.html", context, status=400)
    if not throttle.take(
        scope="whatif-save", key=str(request.user.pk), limit=settings.WHATIF_SAVES_PER_HOUR, seconds=3600
    ):
        # Each save stores an assessment and scores it: a script in a member's session could load both without end.
        context["save_error"] = (
            f"You have saved {settings.WHATIF_SAVES_PER_HOUR} what-ifs in the last hour, the most an hour allows: "
            "try again later. Your answers here are kept on this page."
        )
        return render(request, "recommendations/whatif.html", context, status=429)
    try:
        saved = services.save_what_if(recommendation=rec, answers=result.answers, title=title, user=request.user)
    except AssessmentError as exc:
        # Refused as a submit is (hours no one can work): nothing is stored, and the page keeps every changed answer
        # with the reason (review 82: a 500, the what-if lost).
        context["save_error"] = " ".join(exc.messages)
        return render(request, "recommendations/whatif.html", context, status=400)
    if saved.reused:
        # Not "saved as a new assessment": nothing new was made (review 71).
        messages.info(
            request,
            f"You saved these answers as “{saved.assessment.title}” a moment ago: this is that copy, and nothing new "
            "was made.",
        )
    if saved.recommendation is None:
        if saved.reused:
            return redirect("questionnaire:resume", pk=saved.assessment.pk)
        messages.info(
            request, "Saved as a new assessment. A few required answers are still open: answer them, then submit."
        )
        return redirect("questionnaire:resume", pk=saved.assessment.pk)
    if not saved.reused:
        messages.success(request, "Saved as a new assessment and scored. The original recommendation is unchanged.")
    return redirect("recommendations:compare_pair", pk=saved.recommendation.pk, other=rec.pk)


CHECK = "check"  # memo.pdf?check=1: how the drawing stands, without asking for it again after a failure
NO_WORKER_AFTER = timedelta(seconds=30)  # a worker claims a task within a second or two; this is well past it


@require_safe
@member_required()
def memo_pdf(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    """The decision memo as a PDF, named after the assessment and the date it was scored.

    A stored memo downloads at once. Otherwise the drawing is queued for the worker (once, whoever
    asks) and the answer is its progress: a page that refreshes itself, or for htmx a fragment that
    polls ``?check=1`` every two seconds and offers the file when it is stored."""
    queryset = Recommendation.objects.select_related("created_by", "playbook", "memo").defer("playbook__definition")
    rec = get_for_member(request, memo.with_memo_version(queryset), pk=pk)
    stored = memo.current_memo(rec)
    result = None
    if stored is None:
        result = _memo_drawing(request, rec)
        if result.status == TaskResultStatus.SUCCESSFUL:
            stored = memo.current_memo(rec, fresh=True)
            if stored is None:
                # Finished without storing this version: a worker still running an older renderer took it and drew
                # nothing (during a deploy, or a development server reloaded without its worker), and the download
                # waited for ever. Asked again, for a worker running this renderer.
                base_url = request.build_absolute_uri("/")
                result = memo_tasks.request_memo(recommendation=rec, user=request.user, base_url=base_url, again=True)
    if stored is None or request.htmx:
        return _memo_status(request, rec, result, ready=stored is not None)
    etag = f'"{stored.sha256}"'
    response = HttpResponse(bytes(stored.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{memo.memo_filename(rec)}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-store"  # a buyer's confidential document: no shared or disk cache
    return get_conditional_response(request, etag=etag, response=response) or response


def _memo_drawing(request: HtmxMemberRequest, rec: Recommendation) -> TaskResult:
    """The task drawing this memo: the one under way, or a new one. A check never re-queues a failed
    drawing (the page would retry for ever); the button does."""
    if CHECK in request.GET:
        progress = memo_tasks.memo_progress(recommendation=rec)
        if progress is not None and progress.status != TaskResultStatus.SUCCESSFUL:
            return progress
    base_url = request.build_absolute_uri("/")
    return memo_tasks.request_memo(recommendation=rec, user=request.user, base_url=base_url)


def _waiting_for_no_worker(result: TaskResult | None) -> bool:
    """The drawing has sat in the queue for a while and no worker is running to take it (``runserver``
    alone, or a production worker that is down): the status page says so instead of "queued" for ever."""
    if result is None or result.status != TaskResultStatus.READY or result.enqueued_at is None:
        return False
    return timezone.now() - result.enqueued_at > NO_WORKER_AFTER and not worker_alive()


def _memo_status(
    request: HtmxMemberRequest, rec: Recommendation, result: TaskResult | None, *, ready: bool
) -> HttpResponse:
    failure = result.errors[-1].exception_class if result is not None and result.errors else None
    failed = ready is False and result is not None and result.status == TaskResultStatus.FAILED
    context = {
        "rec": rec,
        "ready": ready,
        "failed": failed,
        "unavailable": failed and failure is not None and issubclass(failure, memo.MemoUnavailable),
        "busy": failure.message if failed and failure is not None and issubclass(failure, memo.MemoBusy) else "",
        "queued": result is not None and result.status == TaskResultStatus.READY,
        "no_worker": _waiting_for_no_worker(result),
        "attempt": result.attempts if result is not None else 0,
        "check": CHECK,
    }
    if request.htmx:
        return render(request, "recommendations/memo_status.html#status", context)
    if context["busy"]:
        response = render(
            request, "recommendations/memo_busy.html", {"rec": rec, "reason": context["busy"]}, status=429
        )
        response["Retry-After"] = str(memo.RETRY_AFTER_SECONDS)
        return response
    if result is not None and context["unavailable"]:  # "unavailable" implies a result; the test says so to mypy
        logger.error("decision memo unavailable: %s", result.errors[-1].traceback.splitlines()[-1])
        return render(request, "recommendations/memo_unavailable.html", {"rec": rec}, status=503)
    return render(request, "recommendations/memo_status.html", context, status=503 if failed else 202)
