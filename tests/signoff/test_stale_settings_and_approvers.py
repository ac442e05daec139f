"""What an older page or a request in flight does to sign-off (review 108): an approver unmarked while their decision
was in flight is refused, not recorded; and the settings page carries what it showed, so an older page's unticked
box no longer switches off the approval a colleague has just required, and a change of the same setting since is a
409 that keeps what was typed."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Membership, Organisation, User
from apps.playbooks.models import Playbook
from apps.signoff import services
from apps.signoff.models import Decision, SignOffPolicy
from tests.factories import MembershipFactory
from tests.signoff.conftest import require_approval, stored

pytestmark = pytest.mark.django_db


def test_an_approver_unmarked_while_deciding_is_refused_and_nothing_is_recorded(
    organisation: Organisation, buyer: User, approver: User, second_approver: User, playbook: Playbook
) -> None:
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    # Read as the request began, before the owner unmarked them.
    membership = Membership.objects.get(user=approver, organisation=organisation)
    services.set_approver(membership=Membership.objects.get(pk=membership.pk), can_approve=False, by=buyer)
    assert membership.can_approve  # the request's own copy still says so
    with pytest.raises(PermissionDenied):
        services.decide(recommendation=rec, membership=membership, outcome="approved", reason="")
    assert not Decision.objects.exists()


def _owner_client(organisation: Organisation) -> tuple[User, Client]:
    other = MembershipFactory(
        organisation=organisation, role=Membership.Role.OWNER, user__email="owner2@acme.test"
    ).user
    client = Client()
    client.force_login(other)
    return other, client


def test_an_older_settings_page_keeps_the_approval_a_colleague_required_since(
    organisation: Organisation, buyer_client: Client, approver: User, second_approver: User
) -> None:
    _other, stale = _owner_client(organisation)
    page = stale.get(reverse("signoff:policy")).content.decode()
    assert 'name="required_drawn" value="0"' in page and 'name="approvals_drawn" value="1"' in page
    # The colleague requires approval ...
    assert (
        buyer_client.post(
            reverse("signoff:policy"),
            {"required": "on", "approvals_needed": "1", "required_drawn": "0", "approvals_drawn": "1"},
        ).status_code
        == 302
    )
    # ... and the older page changes only the approvals needed, its box left unticked as it was drawn.
    saved = stale.post(
        reverse("signoff:policy"), {"approvals_needed": "2", "required_drawn": "0", "approvals_drawn": "1"}
    )
    assert saved.status_code == 302
    policy = SignOffPolicy.objects.get(organisation=organisation)
    assert policy.required and policy.approvals_needed == 2


def test_a_setting_changed_here_and_by_a_colleague_since_is_a_409_that_keeps_what_was_typed(
    organisation: Organisation, buyer_client: Client, approver: User, second_approver: User
) -> None:
    require_approval(organisation, 1)
    _other, stale = _owner_client(organisation)
    assert (
        buyer_client.post(
            reverse("signoff:policy"),
            {"required": "on", "approvals_needed": "2", "required_drawn": "1", "approvals_drawn": "1"},
        ).status_code
        == 302
    )
    # Drawn with 1, made 2 by the colleague since, and 3 sent from this page: a clash.
    clash = stale.post(
        reverse("signoff:policy"),
        {"required": "on", "approvals_needed": "3", "required_drawn": "1", "approvals_drawn": "1"},
    )
    page = html.unescape(clash.content.decode())
    assert clash.status_code == 409 and "changed" in page and "Nothing was saved" in page
    assert 'name="approvals_needed" value="3"' in page  # what was typed is kept
    assert 'name="approvals_drawn" value="2"' in page  # drawn again from what is stored now: saving again takes it
    assert page.count('name="approvals_drawn"') == 1 and "sent twice" not in page and "Approvals drawn" not in page
    assert SignOffPolicy.objects.get(organisation=organisation).approvals_needed == 2


def test_a_settings_form_that_says_nothing_of_what_it_drew_is_taken_as_sent(
    organisation: Organisation, buyer_client: Client, approver: User
) -> None:
    require_approval(organisation, 1)
    assert buyer_client.post(reverse("signoff:policy"), {"approvals_needed": "1"}).status_code == 302
    assert not SignOffPolicy.objects.get(organisation=organisation).required


def test_a_clash_redraws_what_the_page_left_alone_as_stored_so_saving_again_changes_only_what_was_typed(
    organisation: Organisation, buyer_client: Client, approver: User, second_approver: User
) -> None:
    # Review 110: the 409 redrew the untouched box as sent (unticked), so saving it again switched approval off.
    _other, stale = _owner_client(organisation)
    MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR, can_approve=True)  # a third approver
    # The colleague requires approval, two each, over a page drawn with (off, 1) ...
    require_approval(organisation, 2)
    # ... and the older page changes only the approvals, to 3: a clash on the approvals.
    clash = stale.post(
        reverse("signoff:policy"), {"approvals_needed": "3", "required_drawn": "0", "approvals_drawn": "1"}
    )
    page = html.unescape(clash.content.decode())
    assert clash.status_code == 409
    assert re.search(r'<input[^>]*name="required"[^>]*checked', page)  # the box it left alone, as stored now
    assert 'name="approvals_needed" value="3"' in page and 'name="required_drawn" value="1"' in page
    again = stale.post(
        reverse("signoff:policy"),
        {"required": "on", "approvals_needed": "3", "required_drawn": "1", "approvals_drawn": "2"},
    )
    assert again.status_code == 302
    policy = SignOffPolicy.objects.get(organisation=organisation)
    assert policy.required and policy.approvals_needed == 3


def test_a_drawn_value_no_setting_could_have_is_read_as_not_said_not_a_500(
    organisation: Organisation, buyer_client: Client, approver: User, second_approver: User
) -> None:
    sent = {"required": "on", "approvals_needed": "2", "required_drawn": "1", "approvals_drawn": "9" * 5000}
    assert buyer_client.post(reverse("signoff:policy"), sent).status_code == 302
    assert SignOffPolicy.objects.get(organisation=organisation).approvals_needed == 2


def test_deciding_locks_the_approvers_membership_row_alone(
    organisation: Organisation, buyer: User, approver: User, playbook: Playbook
) -> None:
    # Review 110: the re-read's default order joined the organisation and the user, and its FOR UPDATE locked their
    # rows too, deadlocking with an owner unmarking the approver (which takes the organisation's row first).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    membership = Membership.objects.get(user=approver, organisation=organisation)
    with CaptureQueriesContext(connection) as queries:
        services.decide(recommendation=rec, membership=membership, outcome="approved", reason="")
    locks = [
        q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"] and "accounts_membership" in q["sql"]
    ]
    assert locks and all('FOR UPDATE OF "accounts_membership"' in sql and "JOIN" not in sql for sql in locks)


def test_an_owners_change_takes_the_organisations_row_so_a_decisions_commit_can_still_check_its_keys(
    organisation: Organisation, buyer: User, approver: User
) -> None:
    # Review 114: a decision's announcement, written in its transaction, checks its rows' keys on the organisation at
    # COMMIT (FOR KEY SHARE); an owner changing that approver's mark held the organisation FOR UPDATE and waited for
    # the approver's membership row, which the decision held: a deadlock in 11 of 20 pairs. The owner's services take
    # the organisation FOR NO KEY UPDATE, which still excludes each other but not a key check.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.accounts import services as accounts

    membership = Membership.objects.get(user=approver, organisation=organisation)
    with CaptureQueriesContext(connection) as queries:
        services.set_approver(membership=membership, can_approve=True, by=buyer)
        services.set_policy(organisation=organisation, required=False, approvals_needed=1, user=buyer)
        accounts.invite_member(
            organisation=organisation, email="new@acme.test", role="viewer", invited_by=buyer, base_url=""
        )
    locks = [
        q["sql"] for q in queries.captured_queries if 'FROM "accounts_organisation"' in q["sql"] and "FOR " in q["sql"]
    ]
    assert len(locks) >= 3 and all(sql.rstrip().endswith("FOR NO KEY UPDATE") for sql in locks), locks
    # The owner's own membership, re-read under its lock, locks that row alone: its user (whom a decision notifies)
    # stays free for the decision's key check (a second deadlock of review 114's pairs).
    owner = [q["sql"] for q in queries.captured_queries if "FOR NO KEY UPDATE OF" in q["sql"]]
    assert owner and all(sql.rstrip().endswith('FOR NO KEY UPDATE OF "accounts_membership"') for sql in owner)
