"""Review 116: a row read as there by a page's request, and deleted by a colleague's before the change referring to it
commits, failed the commit on its foreign key (Django's are checked at commit): a 500, and what was typed lost. The
changes now hold the rows they refer to (``apps.common.key_share.held``) and refuse in words when one has gone.

Each race is played in one test transaction: the colleague's delete runs just before the service, and the foreign
keys are checked at once (SET CONSTRAINTS ALL IMMEDIATE), as the commit would check them."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Membership, Organisation, User
from apps.common.key_share import held
from apps.discussion import services as discussion
from apps.discussion.models import Comment
from apps.playbooks.models import Playbook
from apps.questionnaire import services as questionnaire
from apps.questionnaire.models import Assessment
from apps.teamwork import services as teamwork
from apps.teamwork.models import SecondOpinion, SecondOpinionAnswer, SectionAssignment, StakeholderRole
from tests.factories import AssessmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db
COMPLETE = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}


@pytest.fixture
def draft(organisation: Organisation, buyer: User, playbook: Playbook) -> Assessment:
    return AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Legal review", playbook=playbook, answers=COMPLETE
    )


@pytest.fixture(autouse=True)
def keys_checked_at_once() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def before(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, colleague: Callable[[], None]) -> None:
    """``module.name`` as it runs just after a colleague's request did ``colleague``."""
    original: Callable[..., Any] = getattr(module, name)

    def raced(**kwargs: Any) -> Any:
        colleague()
        return original(**kwargs)

    monkeypatch.setattr(module, name, raced)


def test_a_member_removed_while_the_contributors_page_assigns_them_is_refused_in_words(
    monkeypatch: pytest.MonkeyPatch, buyer_client: Client, colleague: User, draft: Assessment
) -> None:
    member = Membership.objects.get(user=colleague)
    before(monkeypatch, teamwork, "assign_sections", lambda: Membership.objects.filter(pk=member.pk).delete())
    response = buyer_client.post(
        reverse("teamwork:contributors", args=[draft.pk]),
        {"section-work": f"member-{member.pk}", "opinion-data": str(member.pk)},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 409, page[:500]
    assert f"{colleague.email} was removed from the organisation since this page was opened" in page
    assert not SectionAssignment.objects.exists() and not SecondOpinion.objects.exists()


def test_a_comment_sent_to_a_draft_deleted_meanwhile_gets_the_410_with_the_comment_given_back(
    monkeypatch: pytest.MonkeyPatch, buyer_client: Client, buyer: User, colleague: User, draft: Assessment
) -> None:
    before(monkeypatch, discussion, "post_comment", lambda: questionnaire.delete_draft(assessment=draft, by=colleague))
    url = reverse("discussion:question", args=[draft.pk, "judgement"])
    response = buyer_client.post(url, {"body": "Is the judgement answer right for contract review?"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 410, page[:500]
    assert f"was deleted by {colleague.email}" in page
    assert "Is the judgement answer right for contract review?" in page
    assert not Comment.objects.exists()


def test_a_second_opinion_withdrawn_while_it_is_given_gets_the_409_with_the_answers_given_back(
    monkeypatch: pytest.MonkeyPatch, buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    member = Membership.objects.get(user=colleague)
    assert (
        buyer_client.post(reverse("teamwork:contributors", args=[draft.pk]), {"opinion-volume": member.pk}).status_code
        == 302
    )
    asked = SecondOpinion.objects.get(assessment=draft, section_code="volume")
    before(monkeypatch, teamwork, "give_second_opinion", lambda: SecondOpinion.objects.filter(pk=asked.pk).delete())
    response = colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "volume"]), {"hours": "3100"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 409, page[:500]
    assert "it was withdrawn, or never asked, so what you sent was not saved" in page and "3100" in page
    assert not SecondOpinionAnswer.objects.exists()


def test_a_member_removed_while_the_roles_page_saves_their_roles_is_refused_in_words(
    monkeypatch: pytest.MonkeyPatch, buyer_client: Client, colleague: User
) -> None:
    # Review 119: 10 of 41 saves raced with the member's removal failed at commit, a 500.
    member = Membership.objects.get(user=colleague)
    own = Membership.objects.exclude(pk=member.pk).get(organisation_id=member.organisation_id)
    before(monkeypatch, teamwork, "set_stakeholder_roles", lambda: Membership.objects.filter(pk=member.pk).delete())
    sent = {f"roles-{member.pk}": ["legal", "finance"], f"roles-{own.pk}": ["security"]}
    response = buyer_client.post(reverse("teamwork:roles"), sent)
    page = html.unescape(response.content.decode())
    assert response.status_code == 409, page[:500]
    assert f"{colleague} was removed from the organisation since this page was opened, so nothing was saved" in page
    assert not StakeholderRole.objects.exists()
    # The other choices are drawn as sent, to check and save again (review 129: drawn from what is stored, lost).
    assert "The page shows your other choices as you sent them" in page
    assert re.search(rf'name="roles-{own.pk}" value="security"[^>]*checked', response.content.decode())


def test_role_fields_of_someone_not_a_member_now_are_refused_in_words_and_save_nothing(
    buyer_client: Client, outsider: User, colleague: User, organisation: Organisation
) -> None:
    # Another organisation's member (review 116: told "Saved"), or one removed since a stale page was opened (review
    # 123: their choice was dropped under "Saved" beside a colleague's saved one): the same refusal for both, so the
    # answer tells nothing of other organisations' ids, and nothing is saved.
    foreign = Membership.objects.get(user=outsider)
    member = Membership.objects.get(user=colleague)
    buyer = Membership.objects.exclude(pk=member.pk).get(organisation=organisation)
    gone = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR)
    gone_pk = gone.pk
    gone.delete()
    for sent in (
        {f"roles-{foreign.pk}": ["legal"]},
        {f"roles-{gone_pk}": ["legal"], f"was-roles-{gone_pk}": "", f"roles-{buyer.pk}": ["finance"]},
    ):
        response = buyer_client.post(reverse("teamwork:roles"), {**sent, "drawn_in": organisation.pk})
        page = html.unescape(response.content.decode())
        assert response.status_code == 409, page[:500]
        assert "A member this page showed is not in the organisation now" in page and "Nothing was saved" in page
        assert "removed since it was opened, or never in it" in page
        assert not StakeholderRole.objects.exists()
    # A member id that is not a number at all was drawn by no page: a 400 saying so (review 134: told removed).
    for name in ("roles-abc", "roles-\u0661", "roles-1e3", "was-roles-x", f"roles-000{buyer.pk}"):
        refused = buyer_client.post(reverse("teamwork:roles"), {name: "legal", "drawn_in": organisation.pk})
        assert refused.status_code == 400, name
        assert "not a member's id, so nothing was saved" in html.unescape(refused.content.decode())
        assert not StakeholderRole.objects.exists()
    response = buyer_client.post(
        reverse("teamwork:roles"),
        {f"roles-{gone_pk}": ["legal"], f"roles-{buyer.pk}": ["finance"], "drawn_in": organisation.pk},
    )
    # The page drawn again keeps the other choices as sent (review 125), for the owner to check and save.
    assert re.search(rf'name="roles-{buyer.pk}" value="finance"[^>]*checked', response.content.decode())


def test_a_removed_members_roles_left_as_drawn_do_not_stop_a_change_to_another(
    buyer_client: Client, colleague: User, organisation: Organisation
) -> None:
    # Review 125: an owner ticked roles for one member and was refused, nothing saved, because another member the page
    # showed had been removed meanwhile; the contributors page saves such a change.
    member = Membership.objects.get(user=colleague)
    gone = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR)
    StakeholderRole.objects.create(membership=gone, organisation=organisation, role="legal")
    gone_pk = gone.pk
    gone.delete()
    sent = {
        f"roles-{gone_pk}": ["legal"],
        f"was-roles-{gone_pk}": "legal",
        f"roles-{member.pk}": ["finance", "legal"],
        f"was-roles-{member.pk}": "",
        "drawn_in": organisation.pk,
    }
    response = buyer_client.post(reverse("teamwork:roles"), sent, follow=True)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "Saved the stakeholder roles." in page
    assert "is not in the organisation now (removed since it was opened, or never in it): the roles they held" in page
    assert set(StakeholderRole.objects.values_list("membership_id", "role")) == {
        (member.pk, "finance"),
        (member.pk, "legal"),
    }


def test_held_rows_are_locked_for_key_share_and_only_in_a_transaction(draft: Assessment) -> None:
    assert held(Assessment.objects.filter(pk=draft.pk)) == {draft.pk}
    assert held(Assessment.objects.filter(pk=-1)) == set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE locktype = 'relation' AND pid = pg_backend_pid() "
            "AND relation = 'questionnaire_assessment'::regclass"
        )
        assert ("RowShareLock",) in cursor.fetchall()  # what FOR KEY SHARE takes on the table
