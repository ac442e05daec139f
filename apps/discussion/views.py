"""Comments (question threads, the result's comments, edit and delete), the inbox, mail preferences and
the activity timelines. Every lookup goes through the member's organisation: another's ids are 404s."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.accounts.scoping import MemberRequest, SignedInRequest, get_for_member, member_required
from apps.common import events
from apps.common.confirm import unconfirmed
from apps.discussion import services
from apps.discussion.forms import CommentForm, PreferencesForm
from apps.discussion.models import Activity, Comment, Notification
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import extensions
from apps.questionnaire.gone import answers_gone, comment_gone
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation

NOT_IN_THREAD = "That is not a comment you can reply to here."


def _assessment(request: MemberRequest, pk: int) -> Assessment:
    return get_for_member(request, Assessment.objects.select_related("playbook").defer("playbook__definition"), pk=pk)


def _recommendation(request: MemberRequest, pk: int) -> Recommendation:
    return get_for_member(
        request, Recommendation.objects.only("pk", "title", "organisation_id", "assessment_id"), pk=pk
    )


def _post(request: MemberRequest, form: CommentForm, replies_to: QuerySet[Comment], **on: Any) -> Comment | None:
    """Post the form's comment (``on``: where), or put the refusal on the form and return None."""
    if not form.is_valid():
        return None
    parent_id = form.cleaned_data["parent"]
    parent = replies_to.filter(pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        form.add_error("parent", NOT_IN_THREAD)
        return None
    try:
        return services.post_comment(
            organisation=request.organisation, author=request.user, body=form.cleaned_data["body"], parent=parent, **on
        )
    except services.CommentError as exc:
        form.add_error("body", exc.messages[0])
        form.refused_with = 429 if isinstance(exc, services.CommentsTooFast) else 400  # type: ignore[attr-defined]  # the status the page answers with
        form.retry_after = getattr(exc, "retry_after", None)  # type: ignore[attr-defined]  # for the 429's Retry-After
        return None


def _refused_status(form: CommentForm) -> int:
    """The status of a page drawn again with a refused comment: 429 past the hour's limit, else 400."""
    return int(getattr(form, "refused_with", 400))


def _refused(response: HttpResponse, form: CommentForm) -> HttpResponse:
    """A refused comment's page, with Retry-After when it was refused for the hour's limit."""
    if (wait := getattr(form, "retry_after", None)) is not None:
        response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
@answers_gone
def question(request: MemberRequest, pk: int, question: str) -> HttpResponse:
    """One question's comments, with the forms to comment and reply (viewers comment too)."""
    assessment = _assessment(request, pk)
    q = compiled_playbook(assessment.playbook).questions.get(question)
    if q is None:
        raise Http404("No such question in this assessment.")
    if assessment.is_draft and q.section in extensions.team.member_view(request.membership, assessment).hidden:
        # Its comments talk about the first answers the member is to give an opinion without (review 72).
        raise PermissionDenied(
            "You are asked for a second opinion on this question's step: its comments stay hidden from you until you "
            "have given it."
        )
    on_question = Comment.objects.on_assessment(assessment).filter(question_code=q.code)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        comment = _post(request, form, on_question, assessment=assessment, question_code=q.code)
        if comment is not None:
            messages.success(request, "Comment posted.")
            return redirect(services.comment_url(comment))
    context = {"assessment": assessment, "question": q, "thread": services.thread(on_question), "form": form}
    return _refused(
        render(request, "discussion/question.html", context, status=_refused_status(form) if form.errors else 200), form
    )


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
def result_comment(request: MemberRequest, pk: int) -> HttpResponse:
    """A comment on a recommendation's result (the form is on the result page). A refused comment is shown at this
    address, so reloading it or opening it again (a GET) goes to the result page's comments, not a 405 (review 120)."""
    recommendation = _recommendation(request, pk)
    if request.method != "POST":
        return redirect(reverse("recommendations:detail", args=[recommendation.pk]) + "#comments")
    form = CommentForm(request.POST)
    comment = _post(request, form, Comment.objects.filter(recommendation=recommendation), recommendation=recommendation)
    if comment is not None:
        messages.success(request, "Comment posted.")
        return redirect(services.comment_url(comment))
    # The thread as it is now beside the form, as a question's refused comment has it (review 125: a colleague's
    # comment posted meanwhile was not shown).
    thread = services.thread(Comment.objects.on_recommendation(recommendation))
    context = {"rec": recommendation, "form": form, "thread": thread}
    return _refused(render(request, "discussion/result_comment.html", context, status=_refused_status(form)), form)


def _own_comment(request: MemberRequest, pk: int) -> Comment:
    """The member's own comment: another organisation's is a 404, a colleague's a 403."""
    comment = get_for_member(
        request,
        Comment.objects.select_related("author", "assessment__playbook", "recommendation").defer(
            "assessment__playbook__definition"
        ),
        pk=pk,
    )
    if comment.author_id != request.user.pk:
        raise PermissionDenied(services.ONLY_AUTHOR)
    return comment


def _comment_page(request: MemberRequest, comment: Comment, form: CommentForm | None, status: int) -> HttpResponse:
    """The edit page: what the comment is on (the question's prompt, as its thread's heading says it, and the
    assessment; or the result) and the way back to its thread (review 154: a textarea and Save, nothing else)."""
    context: dict[str, Any] = {"comment": comment, "form": form, "back": services.comment_url(comment)}
    if comment.assessment is not None:
        q = compiled_playbook(comment.assessment.playbook).questions.get(comment.question_code)
        context.update(question=q, prompt=q.prompt if q is not None else comment.question_code)
    return render(request, "discussion/comment_edit.html", context, status=status)


def _deleted(request: MemberRequest, comment: Comment) -> HttpResponse:
    return _comment_page(request, comment, None, 409)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
@comment_gone
def comment_edit(request: MemberRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if comment.is_deleted:
        return _deleted(request, comment)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(comment=comment, user=request.user, body=form.cleaned_data["body"])
        except services.CommentError as exc:
            form.add_error("body", exc.messages[0])
        else:
            messages.success(request, "Comment changed.")
            return redirect(services.comment_url(comment))
    return _comment_page(request, comment, form, 400 if form.errors else 200)


@require_POST
@member_required()
@comment_gone
def comment_delete(request: MemberRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if comment.deleted_at is None:  # one deleted already is refused at once, below
        ask = unconfirmed(
            request,
            heading="Delete your comment?",
            consequence="Its text is removed for everyone and cannot be brought back; the thread shows “Comment "
            "deleted” in its place, and replies to it stay.",
            button="Delete the comment",
            back=services.comment_url(comment),
        )
        if ask is not None:
            return ask
    try:
        services.delete_comment(comment=comment, user=request.user)
    except services.CommentError:
        return _deleted(request, comment)
    messages.success(request, "Comment deleted.")
    return redirect(services.comment_url(comment))


# Inbox


@require_safe
@member_required()
def inbox(request: MemberRequest) -> HttpResponse:
    notifications = Notification.objects.for_member(request.user, request.organisation).select_related("actor")
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(request, "discussion/inbox.html", {"page": page})


@require_POST
@member_required()
def read(request: MemberRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open``, go to what it is about."""
    notification = get_for_member(request, Notification.objects.filter(recipient=request.user), pk=pk)
    services.mark_read(notification=notification)
    return redirect(notification.url if "open" in request.POST else "discussion:inbox")


@require_POST
@member_required()
def read_all(request: MemberRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user, organisation=request.organisation)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("discussion:inbox")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request: SignedInRequest) -> HttpResponse:
    current = services.preferences_for(request.user)
    initial = {"kinds": current.kinds, "daily_digest": current.daily_digest}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(
            user=request.user, kinds=form.cleaned_data["kinds"], daily_digest=form.cleaned_data["daily_digest"]
        )
        messages.success(request, "Your email preferences are saved.")
        return redirect("discussion:preferences")
    return render(request, "discussion/preferences.html", {"form": form}, status=400 if form.errors else 200)


# Activity


def _timeline(
    request: MemberRequest, rows: QuerySet[Activity], subject: Any, back: str, *, uncounted: bool = False
) -> HttpResponse:
    """``uncounted``: the member owes a second opinion on the draft, so its lines of changed answers do not count
    them (the counts take in the answers hidden from them)."""
    page = Paginator(rows.select_related("actor"), 30).get_page(request.GET.get("page"))
    if uncounted:
        for line in page.object_list:
            line.summary = events.answers_changed_uncounted(line.summary)
    return render(request, "discussion/activity.html", {"page": page, "subject": subject, "back": back})


@require_safe
@member_required()
@answers_gone
def assessment_activity(request: MemberRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    rows = Activity.objects.filter(organisation=request.organisation, assessment=assessment)
    hidden = assessment.is_draft and extensions.team.member_view(request.membership, assessment).hidden
    return _timeline(request, rows, assessment, "questionnaire:resume", uncounted=bool(hidden))


@require_safe
@member_required()
def recommendation_activity(request: MemberRequest, pk: int) -> HttpResponse:
    rec = _recommendation(request, pk)
    return _timeline(request, services.activity_for_recommendation(rec), rec, "recommendations:detail")
