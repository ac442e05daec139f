"""Comments on questions and on results: threads, mentions, author-only changes, members only."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.discussion.models import Comment, Notification
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation

pytestmark = pytest.mark.django_db


def _question_url(assessment: Assessment, code: str = "judgement") -> str:
    return reverse("discussion:question", args=[assessment.pk, code])


def _post(client: Client, url: str, body: str, **extra: object) -> object:
    return client.post(url, {"body": body, **extra})


def test_a_viewer_comments_on_a_question_and_the_step_page_shows_it_beside_the_question_with_a_count(
    viewer_client: Client,
    buyer_client: Client,
    assessment: Assessment,
    viewer: User,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(viewer_client, _question_url(assessment), "Is this really judgement work?")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_question_url(assessment)}#comment-{comment.pk}"
    assert (comment.author, comment.assessment, comment.question_code) == (viewer, assessment, "judgement")
    page = buyer_client.get(reverse("questionnaire:step", args=[assessment.pk, "work"])).content.decode()
    assert 'id="comments-judgement"' in page
    assert "Comments (1)" in page and "Is this really judgement work?" in page
    review = buyer_client.get(reverse("questionnaire:review", args=[assessment.pk])).content.decode()
    assert "Comments (1)" in review


def test_a_reply_is_shown_under_its_comment_and_a_reply_into_another_thread_is_refused(
    buyer_client: Client, colleague_client: Client, assessment: Assessment
) -> None:
    _post(buyer_client, _question_url(assessment), "First")
    first = Comment.objects.get()
    _post(buyer_client, _question_url(assessment, "hours"), "Elsewhere")
    assert _post(colleague_client, _question_url(assessment), "A reply", parent=first.pk).status_code == 302
    reply = Comment.objects.get(body="A reply")
    assert reply.parent == first
    page = colleague_client.get(_question_url(assessment)).content.decode()
    assert page.index("First") < page.index("A reply") and "comment--reply" in page
    # A parent from another question's thread, or no comment at all: refused, nothing stored.
    count = Comment.objects.count()
    other = Comment.objects.get(body="Elsewhere")
    for parent in (other.pk, 2**31 - 7, "abc"):
        response = _post(colleague_client, _question_url(assessment), "Misplaced", parent=parent)
        assert response.status_code == 400, parent
    assert Comment.objects.count() == count


def test_mentioning_a_member_tells_them_and_mentioning_anyone_else_is_refused(
    buyer_client: Client,
    assessment: Assessment,
    colleague: User,
    outsider: User,
    django_capture_on_commit_callbacks,
) -> None:
    for body in (f"Ask @{outsider.email}", "Ask @nobody-here"):
        response = _post(buyer_client, _question_url(assessment), body)
        assert response.status_code == 400
        assert "Only members of Acme Procurement can be mentioned" in response.content.decode()
    assert not Comment.objects.exists() and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _post(buyer_client, _question_url(assessment), f"@{colleague.email} is this PHI? Our answer is 4000 hours")
    comment = Comment.objects.get()
    assert list(comment.mentions.all()) == [colleague]
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.url) == (
        colleague,
        "mentioned",
        f"{_question_url(assessment)}#comment-{comment.pk}",
    )
    # Mentions are mailed by default, as a link only: never the comment, its answers or figures.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [colleague.email]
    assert note.url in mail.outbox[0].body
    assert "PHI" not in mail.outbox[0].body and "4000" not in mail.outbox[0].body
    # It says what it is, where and from whom (review 113: "A mention" alone), never the title behind the sign-in.
    assert f"A mention, in Acme Procurement, from {comment.author.email}." in mail.outbox[0].body
    assert assessment.title not in mail.outbox[0].body


def test_a_mention_by_first_name_finds_the_member(
    buyer_client: Client, assessment: Assessment, colleague: User
) -> None:
    colleague.first_name, colleague.last_name = "Dana", "Smith"
    colleague.save()
    assert _post(buyer_client, _question_url(assessment), "@Dana Smith and @dana, please check").status_code == 302
    assert list(Comment.objects.get().mentions.all()) == [colleague]


def test_only_its_author_edits_or_deletes_a_comment(
    buyer_client: Client, colleague_client: Client, assessment: Assessment
) -> None:
    _post(buyer_client, _question_url(assessment), "Original")
    comment = Comment.objects.get()
    edit = reverse("discussion:comment_edit", args=[comment.pk])
    delete = reverse("discussion:comment_delete", args=[comment.pk])
    assert colleague_client.get(edit).status_code == 403
    assert colleague_client.post(edit, {"body": "Hijacked"}).status_code == 403
    assert colleague_client.post(delete).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Original" and comment.deleted_at is None
    assert buyer_client.post(edit, {"body": "Changed"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Changed" and comment.edited_at is not None
    asked = buyer_client.post(delete)  # asked first (review 66: gone at one press)
    assert asked.status_code == 200 and "Delete your comment?" in asked.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Changed" and comment.deleted_at is None
    assert buyer_client.post(delete, {"confirm": "yes"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "" and comment.deleted_at is not None
    assert "Comment deleted." in buyer_client.get(_question_url(assessment)).content.decode()
    # A deleted comment can be neither changed nor deleted again.
    assert buyer_client.post(edit, {"body": "Back"}).status_code == 409
    assert buyer_client.post(delete).status_code == 409


def test_outsiders_get_404_on_every_comment_url(
    buyer_client: Client, outsider_client: Client, assessment: Assessment, recommendation: Recommendation
) -> None:
    _post(buyer_client, _question_url(assessment), "Ours")
    comment = Comment.objects.get()
    assert outsider_client.get(_question_url(assessment)).status_code == 404
    assert _post(outsider_client, _question_url(assessment), "Theirs").status_code == 404
    assert (
        _post(outsider_client, reverse("discussion:result_comment", args=[recommendation.pk]), "x").status_code == 404
    )
    assert outsider_client.get(reverse("discussion:result_comment", args=[recommendation.pk])).status_code == 404
    assert outsider_client.get(reverse("discussion:comment_edit", args=[comment.pk])).status_code == 404
    assert outsider_client.post(reverse("discussion:comment_delete", args=[comment.pk])).status_code == 404
    assert list(Comment.objects.values_list("body", flat=True)) == ["Ours"]


def test_a_question_the_playbook_does_not_have_is_404(buyer_client: Client, assessment: Assessment) -> None:
    assert buyer_client.get(_question_url(assessment, "no-such-question")).status_code == 404


def test_comments_on_a_result_show_on_its_page(
    viewer_client: Client, buyer_client: Client, recommendation: Recommendation
) -> None:
    url = reverse("discussion:result_comment", args=[recommendation.pk])
    response = _post(viewer_client, url, "Do we agree with the top model?")
    comment = Comment.objects.get()
    assert response["Location"] == f"{reverse('recommendations:detail', args=[recommendation.pk])}#comment-{comment.pk}"
    page = buyer_client.get(reverse("recommendations:detail", args=[recommendation.pk])).content.decode()
    assert "Comments (1)" in page and "Do we agree with the top model?" in page
    assert _post(viewer_client, url, "   ").status_code == 400
    assert _post(viewer_client, url, "x" * 4001).status_code == 400
    assert Comment.objects.count() == 1
    # A refused comment is shown at the form's address: reloading it goes to the result's comments (review 120: a
    # 405), and nothing is posted.
    reloaded = viewer_client.get(url)
    assert reloaded.status_code == 302
    assert reloaded["Location"] == f"{reverse('recommendations:detail', args=[recommendation.pk])}#comments"
    assert Comment.objects.count() == 1


def test_the_step_page_reads_all_its_comments_in_one_query(
    buyer_client: Client, assessment: Assessment, django_assert_num_queries
) -> None:
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    for code in ("judgement", "function"):
        _post(buyer_client, _question_url(assessment, code), f"On {code}")
    buyer_client.get(url)
    with CaptureQueriesContext(connection) as few:
        buyer_client.get(url)
    budget = len(few.captured_queries)  # read now: each request clears the connection's query log
    assert sum('"discussion_comment"' in q["sql"] for q in few.captured_queries) == 1
    for i, code in enumerate(("judgement", "function", "judgement", "function")):
        _post(buyer_client, _question_url(assessment, code), f"More on {code} ({i})")
    with django_assert_num_queries(budget):
        assert "Comments (3)" in buyer_client.get(url).content.decode()


def test_a_comment_whose_announcement_fails_is_not_stored_and_the_page_says_so(
    viewer_client: Client, recommendation: Recommendation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database lost in the activity listener: the comment is announced in its own transaction (review 112: a
    database stop after the commit lost its notices and deliveries for good), so it is not stored either, and the
    outage page that says so is true; sent again once the database is back, it is stored once."""
    from django.db import OperationalError

    from apps.discussion import services

    def lost(*args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    url = reverse("discussion:result_comment", args=[recommendation.pk])
    with monkeypatch.context() as patch:
        patch.setattr(services, "record_activity", lost)
        response = _post(viewer_client, url, "Typed during the blip")
    assert response.status_code == 503 and "What you just sent was not saved." in response.content.decode()
    assert not Comment.objects.exists()
    assert _post(viewer_client, url, "Typed during the blip").status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == ["Typed during the blip"]


def test_a_comment_too_long_is_refused_with_every_character_kept_and_no_box_cuts_a_paste(
    viewer_client: Client, buyer_client: Client, recommendation: Recommendation
) -> None:
    # Review 48: the box's maxlength cut a pasted 5,000 characters (emoji counted twice) to 3,909 without a word.
    page = buyer_client.get(reverse("recommendations:detail", args=[recommendation.pk])).content.decode()
    boxes = re.findall(r"<textarea[^>]*name=\"body\"[^>]*>", page)
    assert boxes and not any("maxlength" in box for box in boxes)
    assert "Up to 4,000 characters." in page
    long = "Long 🙂 " * 700  # 4,900 characters
    # A colleague's comment posted meanwhile is shown beside the refused one (review 125).
    assert (
        _post(buyer_client, reverse("discussion:result_comment", args=[recommendation.pk]), "Rates?").status_code == 302
    )
    refused = _post(viewer_client, reverse("discussion:result_comment", args=[recommendation.pk]), long)
    assert refused.status_code == 400
    body = html.unescape(refused.content.decode())
    assert "Keep a comment to 4,000 characters or fewer (this one has 4,899)." in body and long.strip() in body
    assert "<title>Error: comment not posted" in refused.content.decode()
    assert "maxlength" not in re.search(r"<textarea[^>]*>", body).group(0)
    assert "Comments on this result" in body and '<p class="comment__body">Rates?</p>' in body
    assert list(Comment.objects.values_list("body", flat=True)) == ["Rates?"]


def test_comments_past_the_hours_limit_are_refused_with_a_429_and_the_text_kept(
    viewer_client: Client, assessment: Assessment, recommendation: Recommendation, settings: Any
) -> None:
    # Review 55: 60 comments in 5 s, each mentioning 20 members, queued 1,200 mails ahead of everyone else's.
    settings.COMMENTS_PER_HOUR = 3
    for n in range(3):
        assert viewer_client.post(_question_url(assessment), {"body": f"Point {n}"}).status_code == 302
    for url in (_question_url(assessment), reverse("discussion:result_comment", args=[recommendation.pk])):
        refused = viewer_client.post(url, {"body": "One point too many"})
        page = html.unescape(refused.content.decode())
        assert refused.status_code == 429 and 'id="error-summary"' in page and "<title>Error: " in page
        assert "you have posted 3 comments in the last hour, the most an hour allows" in page
        assert "One point too many" in page
        # When to try again, in the header and in words (review 103: neither was given).
        assert 3_500 <= int(refused["Retry-After"]) <= 3_600
        assert "Try again in about 60 minutes; your comment is kept here." in page
        htmx = viewer_client.post(url, {"body": "One point too many"}, headers={"HX-Request": "true"})
        assert htmx.status_code == 429 and 3_500 <= int(htmx["Retry-After"]) <= 3_600
    assert Comment.objects.count() == 3


def test_a_mention_taken_out_and_put_back_by_edits_tells_the_member_once(
    buyer_client: Client, assessment: Assessment, colleague: User, django_capture_on_commit_callbacks: Any
) -> None:
    # Review 57: removing the mentions in one edit and putting them back in the next mailed everyone again.
    with django_capture_on_commit_callbacks(execute=True):
        _post(buyer_client, _question_url(assessment), f"@{colleague.email} please check")
    comment = Comment.objects.get()
    edit = reverse("discussion:comment_edit", args=[comment.pk])
    for body in ("please check", f"@{colleague.email} please check", "again", f"@{colleague.email} again"):
        with django_capture_on_commit_callbacks(execute=True):
            assert buyer_client.post(edit, {"body": body}).status_code == 302
    assert Notification.objects.filter(recipient=colleague, kind="mentioned").count() == 1
    assert len(mail.outbox) == 1


def test_a_chain_of_thousands_of_replies_is_drawn_in_order(buyer_client: Client, assessment: Assessment) -> None:
    # Review 60: 950 replies to replies broke the recursion limit in thread(), and the step page answered 500.
    from apps.discussion.services import thread

    _post(buyer_client, _question_url(assessment), "Root")
    parent = Comment.objects.get()
    for i in range(2_000):
        parent = Comment.objects.create(
            organisation=parent.organisation, assessment=assessment, question_code=parent.question_code,
            author=parent.author, parent=parent, body=f"reply {i}",
        )  # fmt: skip
    ordered = thread(Comment.objects.filter(assessment=assessment).order_by("created_at", "pk"))
    assert [depth for _c, depth in ordered] == list(range(2_001))
    response = buyer_client.get(_question_url(assessment))
    assert response.status_code == 200 and "reply 1999" in response.content.decode()


def test_replies_keep_reading_order_under_each_comment() -> None:
    from apps.discussion.services import thread

    class C:
        def __init__(self, pk: int, parent_id: int | None) -> None:
            self.pk, self.parent_id = pk, parent_id

    a, b, a1, a2, a1x, b1 = C(1, None), C(2, None), C(3, 1), C(4, 1), C(5, 3), C(6, 2)
    ordered = thread([a, b, a1, a2, a1x, b1])  # type: ignore[list-item]
    assert [(c.pk, d) for c, d in ordered] == [(1, 0), (3, 1), (5, 2), (4, 1), (2, 0), (6, 1)]


def test_the_shared_activity_log_names_whom_a_comment_mentions_not_you(
    buyer_client: Client, assessment: Assessment, colleague: User, django_capture_on_commit_callbacks: Any
) -> None:
    # Review 91: every member reading the activity log read "mentioned you", the author included.
    from apps.discussion.models import Activity

    with django_capture_on_commit_callbacks(execute=True):
        _post(buyer_client, _question_url(assessment), f"@{colleague.email} please check")
    lines = list(Activity.objects.filter(assessment=assessment).values_list("summary", flat=True))
    mention = next(line for line in lines if "mentioned" in line)
    assert f"mentioned {colleague.email} in a comment" in mention and " you " not in f" {mention} "
    notice = Notification.objects.get(recipient=colleague, kind="mentioned")
    assert f"mentioned {colleague.email}" in notice.summary
