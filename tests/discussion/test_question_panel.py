"""A question's comment panel, written in Python (the ``{% question_panel %}`` tag), is byte for byte the markup
the template include it replaced drew (kept beside this file as the oracle): without comments, with only a
deleted one, with a thread of replies, an edit, a deletion and a former member's comment, with markup in the
words; several questions of one page read the comments once, as the include did."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.discussion.models import Comment
from apps.questionnaire.models import Assessment

pytestmark = pytest.mark.django_db

# The include the tag replaced (templates/discussion/_question_panel.html until then).
ORACLE = (Path(__file__).parent / "question_panel_oracle.html").read_text()
PROMPTS = [("judgement", 'Is it <b>judgement</b> & "work"?'), ("hours", "Hours, in a year"), ("function", "Which?")]


def _render(source: str, assessment: Assessment, user: User) -> tuple[str, int]:
    request = RequestFactory().get("/")
    request.user = user
    template = engines["django"].from_string(source)
    with CaptureQueriesContext(connection) as queries:
        html = template.render({"assessment": assessment, "prompts": PROMPTS, "user": user}, request)
    return html, len(queries)


def _compare(assessment: Assessment, user: User) -> str:
    old, old_queries = _render("{% for code, prompt in prompts %}" + ORACLE + "{% endfor %}", assessment, user)
    new, new_queries = _render(
        "{% load discussion %}{% for code, prompt in prompts %}{% question_panel code prompt %}{% endfor %}",
        assessment,
        user,
    )
    assert new == old
    assert new_queries == old_queries
    return new


def test_panels_without_comments_are_drawn_as_the_include_drew_them(assessment: Assessment, buyer: User) -> None:
    html = _compare(assessment, buyer)
    assert html.count("No comments yet.") == 3 and "Comments (0)" in html
    assert "Is it &lt;b&gt;judgement&lt;/b&gt; &amp; &quot;work&quot;?" in html


def test_panels_with_threads_are_drawn_as_the_include_drew_them(
    assessment: Assessment, buyer: User, colleague: User
) -> None:
    def comment(code: str, author: User | None, body: str, **fields: object) -> Comment:
        return Comment.objects.create(
            organisation=assessment.organisation,
            assessment=assessment,
            question_code=code,
            author=author,
            body=body,
            **fields,
        )

    first = comment("judgement", buyer, "A <b>comment</b> & more\nOn a second line")
    reply = comment("judgement", colleague, "A reply", parent=first, edited_at=timezone.now())
    comment("judgement", None, "From a former member", parent=reply)
    comment("judgement", buyer, "", deleted_at=timezone.now())
    comment("hours", colleague, "", deleted_at=timezone.now())
    html = _compare(assessment, buyer)
    assert "Comments (3)" in html and "A former member" in html and "comment--reply" in html
    assert "Comments (0)" in html and "Comment deleted." in html and "No comments yet." in html
    assert "A &lt;b&gt;comment&lt;/b&gt; &amp; more<br>On a second line" in html
