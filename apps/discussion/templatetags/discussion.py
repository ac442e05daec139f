"""Comment threads for the questionnaire's and the result's pages, loaded once per page.

The questionnaire and recommendations apps know nothing of comments (team features depend on them,
not the other way round), so their templates ask for threads here: all of an assessment's comments
are read in one query on the first ask and kept on the request for the page's other questions.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from apps.common.prepared import PreparedQuery
from apps.discussion.models import Comment
from apps.discussion.services import thread

register = template.Library()
# Compiled once per process (apps/common/prepared.py): the step and review pages ask on every request.
_ON_ASSESSMENT = PreparedQuery(
    lambda organisation, assessment: Comment.objects.on_assessment_id(organisation, assessment)
)


def _cached(context: template.Context, key: tuple[str, int], load: Any) -> dict[str, list[tuple[Comment, int]]]:
    request = context.get("request")
    cache: dict[tuple[str, int], Any] = getattr(request, "_discussion_threads", None) or {}
    if key not in cache:
        by_question: dict[str, list[Comment]] = {}
        for comment in load():
            by_question.setdefault(comment.question_code, []).append(comment)
        cache[key] = {code: thread(comments) for code, comments in by_question.items()}
        if request is not None:
            request._discussion_threads = cache
    return cache[key]


@register.simple_tag(takes_context=True)
def question_comments(context: template.Context, assessment: Any, code: str) -> list[tuple[Comment, int]]:
    """The thread on one question of ``assessment`` (comment, depth), oldest first."""
    key = ("assessment", assessment.pk)
    threads = _cached(context, key, lambda: _ON_ASSESSMENT(organisation=assessment.organisation_id, assessment=key[1]))
    return threads.get(code, [])


# The thread page's URL reversed once per page with this in place of the question code (codes are slugs).
_QUESTION_PLACEHOLDER = "__question__"
# ``discussion/_thread.html`` for a thread without comments, as it drew it.
_NO_COMMENTS = '\n\n<ol class="comments">\n\n  <li class="muted small">No comments yet.</li>\n\n</ol>\n'


@register.simple_tag(takes_context=True)
def question_panel(context: template.Context, code: str, prompt: str, in_form: bool = False) -> SafeString:
    """The collapsed comment panel beside question ``code`` of the context's ``assessment`` (step and review
    pages): its count, its thread and a link to the thread's page, which has the forms.

    Written in Python, as the panel include it replaced drew it byte for byte
    (tests/discussion/test_question_panel.py): a page draws one per question, where the include drew a thread
    include and a ``{% url %}`` for each (docs/performance.md). The thread template is drawn only for a question
    with comments; the URL is reversed once per page.

    ``in_form``: the panel is inside the step's form. Without JavaScript the step's answers are saved only when the
    form is sent, so the link (which would leave them unsaved, review 71) gives way to a button that saves the step,
    then opens the thread (the step view's ``goto`` of ``comment:<code>``)."""
    assessment = context["assessment"]
    comments = question_comments(context, assessment, code)
    count = live_count(comments)
    key = f"comment_url {assessment.pk}"
    pattern = context.render_context.get(key)
    if pattern is None:
        pattern = context.render_context[key] = reverse(
            "discussion:question", args=[assessment.pk, _QUESTION_PLACEHOLDER]
        )
    if comments:
        # A tag always renders inside a template, but the stubs type Context.template as optional.
        thread_template = context.template.engine.get_template("discussion/_thread.html")  # type: ignore[union-attr]
        with context.push(thread=comments, controls=False):
            thread_html = thread_template.render(context)
    else:
        thread_html = _NO_COMMENTS
    c, about = conditional_escape(code), f'<span class="visually-hidden"> on “{conditional_escape(prompt)}”</span>'
    url = conditional_escape(pattern.replace(_QUESTION_PLACEHOLDER, code))
    label = "Reply or comment" if count else "Comment"
    js_only, nojs_button = "", ""
    if in_form:
        js_only = ' class="js-only"'
        nojs_button = (
            '<noscript><button type="submit" name="goto" class="button button--link button--small"'
            f' value="comment:{c}">'
            f"Save this step, then {label.lower()}{about}</button></noscript>"
        )
    return mark_safe(  # noqa: S308 -- the code, prompt and URL are escaped, the thread drawn by its template
        f'\n\n<details class="comments-panel" id="comments-{c}">\n'
        f'  <summary class="small">Comments ({count}){about}</summary>\n'
        f"  {thread_html}\n"
        f'  <p class="small"><a href="{url}"{js_only}>{label}{about}</a>{nojs_button}</p>\n'
        "</details>\n\n"
    )


@register.simple_tag(takes_context=True)
def result_comments(context: template.Context, recommendation: Any) -> list[tuple[Comment, int]]:
    """The thread on a recommendation's result (comment, depth), oldest first."""
    threads = _cached(
        context, ("recommendation", recommendation.pk), lambda: Comment.objects.on_recommendation(recommendation)
    )
    return threads.get("", [])


@register.filter
def live_count(comments: list[tuple[Comment, int]]) -> int:
    """How many comments of a thread are not deleted."""
    return sum(1 for comment, _ in comments if not comment.is_deleted)
