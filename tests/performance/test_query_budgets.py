"""Query budgets for the buyer's pages that had none: fixed whatever the number of questions, rules,
members or recommendations. Each page is loaded at a small and a large size and must make the same
number of queries, within its budget (which counts session, user and the memberships: one query for the
member and the header's switcher; an unchanged session is not saved)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Membership, Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.models import Recommendation

pytestmark = pytest.mark.django_db
COMPLETE = {"function": "legal", "judgement": True, "hours": 4000, "data": ["phi"], "covered": True}
# Every page: the session, the user, and the memberships (the header's switcher and unread count with them).
BUDGETS = {
    # + the recommendation, its sign-off status (no decisions read when none is needed), the re-scores and
    # what-ifs made from it, the current playbook (a re-score is offered only on a newer one), the comments on it.
    "result": 8,
    # + the assessment with its answers and who gave them (one statement), the member's team view (their
    # sections, opinions to give, and whether any section is assigned or opinion asked: none here, so nothing
    # more is read), the comments on its questions.
    "review": 6,
    # + the assessment with the member's team view and its answers with who gave them (one statement), the
    # comments on its questions.
    "step": 5,
    # + the assessments, the member's assigned sections in the drafts, the drafts' answers.
    "list": 8,  # the page and the count of the whole list, and the second opinions the reader owes (review 75)
    # + the published playbooks.
    "start": 4,
    # + the filter's three choice lists (functions, models, regimes), the count, the page.
    "history_deep": 8,
    "history_filtered": 8,
    # + the two recommendations.
    "compare": 4,
}


def _submitted(client: Client, organisation: Organisation, user: User, playbook: Playbook, n: int) -> list[int]:
    ids = []
    for i in range(n):
        a = Assessment.objects.create(organisation=organisation, created_by=user, title=f"A {i}", playbook=playbook)
        Answer.objects.bulk_create(
            Answer(organisation_id=a.organisation_id, assessment=a, question_code=c, value=v)
            for c, v in COMPLETE.items()
        )
        assert client.post(reverse("recommendations:submit", args=[a.pk])).status_code == 302
        ids.append(Recommendation.objects.get(assessment=a).pk)
    return ids


def _urls(ids: list[int], draft: int) -> dict[str, str]:
    return {
        "result": reverse("recommendations:detail", args=[ids[0]]),
        "review": reverse("questionnaire:review", args=[draft]),
        "step": reverse("questionnaire:step", args=[draft, "work"]),
        "list": reverse("questionnaire:list"),
        "start": reverse("questionnaire:start"),
        "history_deep": reverse("recommendations:history") + "?page=2",
        "history_filtered": reverse("recommendations:history")
        + "?verdict=wins&since=2020-01-01&until=2100-01-01&page=1",
        "compare": reverse("recommendations:compare") + f"?ids={ids[0]}&ids={ids[1]}",
    }


def _counts(client: Client, urls: dict[str, str]) -> dict[str, int]:
    out = {}
    for name, url in urls.items():
        client.get(url)  # warm the compiled-playbook cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, name
        out[name] = len(queries)
    return out


def test_buyer_pages_make_a_fixed_number_of_queries(
    organisation: Organisation, buyer: User, buyer_client: Client, playbook: Playbook
) -> None:
    ids = _submitted(buyer_client, organisation, buyer, playbook, 2)
    draft = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Draft", playbook=playbook)
    Answer.objects.create(
        organisation_id=draft.organisation_id, assessment=draft, question_code="function", value="legal"
    )
    small = _counts(buyer_client, _urls(ids, draft.pk))
    # More recommendations (history beyond one page), more drafts, more members.
    more = _submitted(buyer_client, organisation, buyer, playbook, 28)
    for i in range(6):
        user = User.objects.create_user(email=f"member{i}@example.com", password="x")
        Membership.objects.create(user=user, organisation=organisation, role="editor")
        Assessment.objects.create(organisation=organisation, created_by=user, title=f"D {i}", playbook=playbook)
    large = _counts(buyer_client, _urls(ids + more, draft.pk))
    assert small == large == BUDGETS


def test_history_deep_page_shows_the_right_rows_in_order(
    organisation: Organisation, buyer: User, buyer_client: Client, playbook: Playbook
) -> None:
    ids = _submitted(buyer_client, organisation, buyer, playbook, 27)
    body = buyer_client.get(reverse("recommendations:history") + "?page=2").content.decode()
    newest_first = sorted(ids, reverse=True)
    shown = [pk for pk in newest_first if f'href="{reverse("recommendations:detail", args=[pk])}"' in body]
    assert shown == newest_first[25:]


# The lists show a version, a verdict, a fit score and a cost note a row: none may read a playbook's frozen
# definition or a result's snapshot (hundreds of kilobytes of JSON each, decoded for every row: the assessments
# list of 54 took half a second a page when it did).
HEAVY_COLUMNS = ('"playbooks_playbook"."definition"', '"recommendations_recommendation"."snapshot"')


def test_the_lists_read_no_definition_or_snapshot(
    organisation: Organisation, buyer: User, buyer_client: Client, playbook: Playbook
) -> None:
    ids = _submitted(buyer_client, organisation, buyer, playbook, 2)
    draft = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Draft", playbook=playbook)
    urls = _urls(ids, draft.pk)
    for name in ("list", "start", "history_deep", "history_filtered"):
        buyer_client.get(urls[name])
        with CaptureQueriesContext(connection) as queries:
            assert buyer_client.get(urls[name]).status_code == 200, name
        heavy = [q["sql"][:120] for q in queries if any(column in q["sql"] for column in HEAVY_COLUMNS)]
        assert heavy == [], name
    page = buyer_client.get(urls["list"]).content.decode()
    assert ">A 0<" in page and ">Draft<" in page and "fit " in page  # the rows are still all there
