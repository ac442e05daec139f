"""Comment threads for the questionnaire's and the result's pages, loaded once per page.

The questionnaire and recommendations apps know nothing of comments (team features depend on them,
not the other way round), so their templates ask for threads here: all of an assessment's comments
are read in one query on the first ask and kept on the request for the page's other questions.
"""

from __future__ import annotations

from typing import Any

from django import template

from apps.discussion.models import Comment
from apps.discussion.services import thread

register = template.Library()


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
    threads = _cached(context, ("assessment", assessment.pk), lambda: Comment.objects.on_assessment(assessment))
    return threads.get(code, [])


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
