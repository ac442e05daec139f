"""Deleting drafts: editors their own, owners any; never a submitted assessment; a confirm page first."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire import services
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend

pytestmark = pytest.mark.django_db
COMPLETE = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}


def _draft(playbook: Playbook, organisation: Organisation, user: User, title: str, **answers: object) -> Assessment:
    a = Assessment.objects.create(organisation=organisation, created_by=user, title=title, playbook=playbook)
    Answer.objects.bulk_create(
        Answer(organisation_id=a.organisation_id, assessment=a, question_code=c, value=v) for c, v in answers.items()
    )
    return a


@pytest.fixture
def colleagues_draft(playbook: Playbook, organisation: Organisation, colleague: User) -> Assessment:
    return _draft(playbook, organisation, colleague, "Colleague's draft", function="legal", judgement=True)


@pytest.fixture
def buyers_draft(playbook: Playbook, organisation: Organisation, buyer: User) -> Assessment:
    return _draft(playbook, organisation, buyer, "Buyer's draft", function="research")


def test_an_editor_deletes_their_own_draft_after_a_confirm_page(
    colleague_client: Client, colleagues_draft: Assessment, buyers_draft: Assessment
) -> None:
    page = colleague_client.get(reverse("questionnaire:delete_confirm", args=[colleagues_draft.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Delete this draft?" in body and "its 2 answers" in body
    assert f'<form method="post" action="{reverse("questionnaire:delete", args=[colleagues_draft.pk])}"' in body
    response = colleague_client.post(reverse("questionnaire:delete", args=[colleagues_draft.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("questionnaire:list")
    assert not Assessment.objects.filter(pk=colleagues_draft.pk).exists()
    assert not Answer.objects.filter(assessment_id=colleagues_draft.pk).exists()
    # Only the draft's own answers went with it.
    assert list(Answer.objects.values_list("assessment_id", "question_code", "value")) == [
        (buyers_draft.pk, "function", "research")
    ]


def test_a_delete_confirmed_from_an_older_page_is_refused_when_answers_were_given_since(
    colleague_client: Client, colleagues_draft: Assessment
) -> None:
    # Review 108: the page said "its 1 answer", a colleague answered two more, and the older page deleted all three.
    page = colleague_client.get(reverse("questionnaire:delete_confirm", args=[colleagues_draft.pk])).content.decode()
    assert 'name="answers_shown" value="2"' in page
    Answer.objects.create(
        organisation_id=colleagues_draft.organisation_id, assessment=colleagues_draft, question_code="hours", value=10
    )
    refused = colleague_client.post(reverse("questionnaire:delete", args=[colleagues_draft.pk]), {"answers_shown": "2"})
    body = refused.content.decode()
    assert refused.status_code == 409 and "Nothing was deleted" in body and "holds 3 answers" in body
    assert 'name="answers_shown" value="3"' in body  # the confirmation drawn again, from what is stored now
    assert Answer.objects.filter(assessment_id=colleagues_draft.pk).count() == 3
    # A page that also carries the answers' digest sees a changed answer, not only one added (review 110).
    again = colleague_client.get(reverse("questionnaire:delete_confirm", args=[colleagues_draft.pk])).content.decode()
    digest = re.search(r'name="answers_digest" value="([0-9a-f]{16})"', again)
    assert digest
    Answer.objects.filter(assessment=colleagues_draft, question_code="hours").update(value=20)
    sent = {"answers_shown": "3", "answers_digest": digest.group(1)}
    changed = colleague_client.post(reverse("questionnaire:delete", args=[colleagues_draft.pk]), sent)
    assert changed.status_code == 409 and "its answers were changed" in changed.content.decode()
    assert Answer.objects.filter(assessment_id=colleagues_draft.pk).count() == 3
    fresh = re.search(r'name="answers_digest" value="([0-9a-f]{16})"', changed.content.decode())
    assert fresh and fresh.group(1) != digest.group(1)
    # Sent twice, or not one it could have drawn, the digest is refused as changed.
    for hostile in ([fresh.group(1), fresh.group(1)], "z" * 16, "9" * 5000):
        refused = colleague_client.post(
            reverse("questionnaire:delete", args=[colleagues_draft.pk]),
            {"answers_shown": "3", "answers_digest": hostile},
        )
        assert refused.status_code == 409
    sent = {"answers_shown": "3", "answers_digest": fresh.group(1)}
    deleted = colleague_client.post(reverse("questionnaire:delete", args=[colleagues_draft.pk]), sent)
    assert deleted.status_code == 302 and not Assessment.objects.filter(pk=colleagues_draft.pk).exists()


def test_a_second_delete_that_waited_on_the_first_gets_the_410_naming_who_deleted_it(
    buyer_client: Client, colleague: User, colleagues_draft: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review 110: two deletes at once; the later one read the draft, waited on the first's lock, found it gone and
    # answered the 404 page. The first delete is made to land between the view's read and the service's lock.
    real = services.delete_draft

    def after_another(**kwargs: object) -> None:
        real(assessment=colleagues_draft, by=colleague)
        real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "delete_draft", after_another)
    response = buyer_client.post(reverse("questionnaire:delete", args=[colleagues_draft.pk]))
    body = response.content.decode()
    assert response.status_code == 410
    assert f"was deleted by {colleague.email}" in body
    assert not Assessment.objects.filter(pk=colleagues_draft.pk).exists()


def test_an_editor_cannot_delete_someone_elses_draft(colleague_client: Client, buyers_draft: Assessment) -> None:
    assert colleague_client.get(reverse("questionnaire:delete_confirm", args=[buyers_draft.pk])).status_code == 403
    assert colleague_client.post(reverse("questionnaire:delete", args=[buyers_draft.pk])).status_code == 403
    assert Answer.objects.filter(assessment=buyers_draft).count() == 1


def test_an_owner_deletes_any_draft(buyer_client: Client, colleagues_draft: Assessment) -> None:
    assert buyer_client.get(reverse("questionnaire:delete_confirm", args=[colleagues_draft.pk])).status_code == 200
    assert buyer_client.post(reverse("questionnaire:delete", args=[colleagues_draft.pk])).status_code == 302
    assert not Assessment.objects.exists() and not Answer.objects.exists()


def test_a_viewer_cannot_delete(viewer_client: Client, buyers_draft: Assessment) -> None:
    assert viewer_client.get(reverse("questionnaire:delete_confirm", args=[buyers_draft.pk])).status_code == 403
    assert viewer_client.post(reverse("questionnaire:delete", args=[buyers_draft.pk])).status_code == 403
    assert Assessment.objects.filter(pk=buyers_draft.pk).exists()


def test_a_submitted_assessment_cannot_be_deleted(
    buyer_client: Client, playbook: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = submit_and_recommend(assessment=_draft(playbook, organisation, buyer, "Done", **COMPLETE), user=buyer)
    page = buyer_client.get(reverse("questionnaire:delete_confirm", args=[rec.assessment_id]))
    assert page.status_code == 409
    assert "cannot be deleted" in page.content.decode()
    assert 'action="' + reverse("questionnaire:delete", args=[rec.assessment_id]) not in page.content.decode()
    response = buyer_client.post(reverse("questionnaire:delete", args=[rec.assessment_id]))
    assert response.status_code == 409
    assert "stays with its recommendation" in response.content.decode()
    assert Recommendation.objects.filter(pk=rec.pk).exists()
    assert Answer.objects.filter(assessment_id=rec.assessment_id).count() == len(COMPLETE)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404(outsider_client: Client, buyers_draft: Assessment, method: str) -> None:
    name = "questionnaire:delete_confirm" if method == "get" else "questionnaire:delete"
    assert getattr(outsider_client, method)(reverse(name, args=[buyers_draft.pk])).status_code == 404
    assert Assessment.objects.filter(pk=buyers_draft.pk).exists()


def test_deleting_is_post_only(buyer_client: Client, buyers_draft: Assessment) -> None:
    assert buyer_client.get(reverse("questionnaire:delete", args=[buyers_draft.pk])).status_code == 405
    assert Assessment.objects.filter(pk=buyers_draft.pk).exists()


def test_the_list_and_the_review_link_to_the_confirm_page_only_where_allowed(
    colleague_client: Client, colleagues_draft: Assessment, buyers_draft: Assessment
) -> None:
    listing = colleague_client.get(reverse("questionnaire:list")).content.decode()
    assert reverse("questionnaire:delete_confirm", args=[colleagues_draft.pk]) in listing
    assert reverse("questionnaire:delete_confirm", args=[buyers_draft.pk]) not in listing
    own = colleague_client.get(reverse("questionnaire:review", args=[colleagues_draft.pk])).content.decode()
    assert reverse("questionnaire:delete_confirm", args=[colleagues_draft.pk]) in own
    other = colleague_client.get(reverse("questionnaire:review", args=[buyers_draft.pk])).content.decode()
    assert "Delete this draft" not in other
