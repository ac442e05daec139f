"""The role matrix: owner, editor, viewer, outsider and anonymous against every view.

Each row is one view and method with the status each persona gets. The outsider is the owner of
another organisation, so a 404 there is scoping, not a missing role; anonymous visitors are sent
to sign in (302). Every refusal (4xx) must leave stored data as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security.conftest import World, client_for, fresh_copy, snapshot
from tests.security.urls import site_patterns

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(module_world: World) -> World:
    """Built once for the module: every test here leaves stored data as it found it (conftest.module_world)."""
    return fresh_copy(module_world)


# A removal's second step (apps/common/confirm.py): the first answers with a page asking to confirm.
def CONFIRMED(w: object) -> dict[str, str]:  # noqa: N802 (read as a constant in the rows below)
    return {"confirm": "yes"}


PERSONAS = ("owner", "editor", "viewer", "outsider", "anonymous")


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expect: tuple[int, int, int, int, int]  # in PERSONAS order
    args: Callable[[World], list[Any]] = lambda w: []
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    query: Callable[[World], dict[str, Any]] = lambda w: {}
    htmx: bool = False
    # A refusal that is counted where it is refused (a failed sign-in's row in the throttle's tables), not stored data.
    counted: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"


def _draft(w: World) -> list[Any]:
    return [w.draft.pk]


def _rec(w: World) -> list[Any]:
    return [w.recommendation.pk]


def _entry_data(w: World) -> dict[str, Any]:
    prefix = f"entry-{w.vendors.entry.pk}"
    return {f"{prefix}-status": "rfp_sent", f"{prefix}-notes": "RFP out", f"{prefix}-rejection_reason": ""}


ALL_200 = (200, 200, 200, 200, 200)
SIGNED_IN = (200, 200, 200, 200, 302)  # any signed-in user, members of any organisation alike
READ = (200, 200, 200, 404, 302)  # members of the organisation read; the outsider sees nothing
EDIT = (302, 302, 403, 404, 302)  # editors and owners change; viewers may not
OWNER = (302, 403, 403, 404, 302)  # owners only
MEMBERS = (302, 302, 302, 404, 302)  # every member of the organisation, viewers included

MATRIX = [
    Row("home", "GET", ALL_200),
    Row("healthz", "GET", ALL_200),
    Row("accounts:login", "GET", (302, 302, 302, 302, 200)),
    Row(
        "accounts:login",
        "POST",
        (302, 302, 302, 302, 400),
        data=lambda w: {"username": "x@y.test", "password": "no"},
        counted=("accounts.LoginThrottle", "accounts.RateLimit"),
    ),
    Row("accounts:logout", "POST", (302, 302, 302, 302, 302)),
    Row("accounts:password_change", "GET", SIGNED_IN),
    Row("accounts:password_change_done", "GET", SIGNED_IN),
    Row("accounts:password_reset", "GET", ALL_200),
    Row("accounts:password_reset_done", "GET", ALL_200),
    Row("accounts:password_reset_confirm", "GET", ALL_200, args=lambda w: ["MQ", "forged-token"]),
    Row("accounts:password_reset_complete", "GET", ALL_200),
    Row(
        "accounts:switch_organisation",
        "POST",
        (302, 302, 302, 404, 302),
        data=lambda w: {"organisation": w.organisation.pk},
    ),
    Row("accounts:members", "GET", SIGNED_IN),
    # The outsider is an owner too: it adds the person to its own organisation.
    Row(
        "accounts:members", "POST", (302, 403, 403, 302, 302), data=lambda w: {"email": "new@x.test", "role": "viewer"}
    ),
    Row(
        "accounts:change_role",
        "POST",
        OWNER,
        args=lambda w: [w.viewer_membership.pk],
        data=lambda w: {"role": "editor"},
    ),
    Row("accounts:remove_member", "POST", OWNER, args=lambda w: [w.viewer_membership.pk], data=CONFIRMED),
    Row("accounts:cancel_invitation", "POST", OWNER, args=lambda w: [w.invitations.from_organisation.pk]),
    Row("accounts:invitations", "GET", SIGNED_IN),
    # Single sign-on is off in tests unless a test turns it on (tests/accounts/test_sso.py): its pages are 404.
    Row("accounts:sso_start", "GET", (404, 404, 404, 404, 404)),
    Row("accounts:sso_callback", "GET", (404, 404, 404, 404, 404)),
    Row("accounts:sso_refused", "GET", (404, 404, 404, 404, 404)),
    # Owners manage their domains; the outsider (an owner elsewhere) may only register its own email's domain.
    Row("accounts:sso_domains", "GET", (200, 403, 403, 200, 302)),
    Row("accounts:sso_domains", "POST", (302, 403, 403, 400, 302), data=lambda w: {"domain": "acme.test"}),
    # An id that does not exist is a 404 whatever the role: the role is judged only for one of the organisation's own
    # (removing a real one, and the outsider's 404: tests/accounts/test_sso.py).
    Row("accounts:remove_sso_domain", "POST", (404, 404, 404, 404, 302), args=lambda w: [2**31 - 7], data=CONFIRMED),
    # Only the invited person (here the owner) answers an invitation; everyone else gets a 404.
    Row("accounts:accept_invitation", "POST", (302, 404, 404, 404, 302), args=lambda w: [w.invitations.to_owner.pk]),
    Row("accounts:decline_invitation", "POST", (302, 404, 404, 404, 302), args=lambda w: [w.invitations.to_owner.pk]),
    Row("questionnaire:list", "GET", SIGNED_IN),
    Row("questionnaire:start", "GET", (200, 200, 403, 200, 302)),
    Row("questionnaire:start", "POST", (302, 302, 403, 302, 302), data=lambda w: {"title": "New", "function": "legal"}),
    Row("questionnaire:resume", "GET", (302, 302, 302, 404, 302), args=_draft),
    Row("questionnaire:step", "GET", READ, args=lambda w: [w.draft.pk, "work"]),
    Row("questionnaire:step", "POST", EDIT, args=lambda w: [w.draft.pk, "work"], data=lambda w: {"judgement": "no"}),
    Row(
        "questionnaire:answer",
        "POST",
        # Anonymous (a session that ended under an open page): htmx is told so in its target, a 401 (review 61).
        (200, 200, 403, 404, 401),
        args=lambda w: [w.draft.pk, "judgement"],
        data=lambda w: {"judgement": "no"},
        htmx=True,
    ),
    Row("questionnaire:review", "GET", READ, args=_draft),
    # The draft was started by the owner: editors delete only their own (tests/questionnaire/test_delete.py).
    Row("questionnaire:delete", "POST", OWNER, args=_draft),
    Row("questionnaire:delete_confirm", "GET", (200, 403, 403, 404, 302), args=_draft),
    Row("recommendations:history", "GET", SIGNED_IN),
    Row("recommendations:history_csv", "GET", SIGNED_IN),
    Row("recommendations:portfolio", "GET", SIGNED_IN),
    # Bulk re-score: owners, each of their own organisation (no playbook is newer in the world: nothing to do).
    Row("recommendations:rescore_many", "GET", (200, 403, 403, 200, 302)),
    Row("recommendations:rescore_many", "POST", (200, 403, 403, 200, 302), data=lambda w: {"scope": "all"}),
    Row("recommendations:exports", "GET", SIGNED_IN),
    Row("recommendations:export_download", "GET", READ, args=lambda w: [w.export_file.pk]),
    Row("recommendations:detail", "GET", READ, args=_rec),
    Row("recommendations:export_json", "GET", READ, args=_rec),
    Row("recommendations:obligations_csv", "GET", READ, args=_rec),
    Row("recommendations:cost_csv", "GET", READ, args=_rec),
    Row("recommendations:flips", "GET", READ, args=_rec),
    # The world's recommendation is scored on the current playbook already: re-scoring it is refused on its page (409).
    Row("recommendations:rescore", "POST", (409, 409, 403, 404, 302), args=_rec),
    Row("recommendations:memo_pdf", "GET", READ, args=_rec),
    Row("recommendations:what_if", "GET", READ, args=_rec),
    # What-if stores nothing, so every member may try answers; saving it is for editors and owners.
    Row("recommendations:what_if", "POST", READ, args=_rec, data=lambda w: {"judgement": "no"}),
    Row(
        "recommendations:what_if_save",
        "POST",
        EDIT,
        args=_rec,
        data=lambda w: {"judgement": "no", "whatif_title": "What if it were routine"},
    ),
    Row(
        "recommendations:compare_pair",
        "GET",
        READ,
        args=lambda w: [w.recommendation.pk, w.second_recommendation.pk],
    ),
    Row(
        "recommendations:compare",
        "GET",
        READ,
        query=lambda w: {"ids": [w.recommendation.pk, w.second_recommendation.pk]},
    ),
    Row("recommendations:submit", "POST", EDIT, args=lambda w: [w.complete.pk]),
    Row("recommendations:for_assessment", "GET", (302, 302, 302, 404, 302), args=lambda w: [w.submitted.pk]),
    Row("engagements:models", "GET", SIGNED_IN),
    Row("engagements:functions", "GET", SIGNED_IN),
    Row("engagements:locations", "GET", SIGNED_IN),
    Row("compliance:regimes", "GET", SIGNED_IN),
    Row("compliance:regime_detail", "GET", SIGNED_IN, args=lambda w: [w.regime.code]),
    Row("vendors:directory", "GET", SIGNED_IN),
    Row("vendors:matching", "GET", READ, args=_rec),
    Row("vendors:shortlist", "GET", READ, args=_rec),
    Row("vendors:add", "POST", EDIT, args=_rec, data=lambda w: {"vendor": w.vendors.spare.code}),
    Row("vendors:compare", "GET", READ, args=_rec),
    Row("vendors:export_csv", "GET", READ, args=_rec),
    Row("vendors:entry", "POST", EDIT, args=lambda w: [w.vendors.entry.pk], data=lambda w: _entry_data(w)),
    Row("vendors:remove", "POST", EDIT, args=lambda w: [w.vendors.entry.pk], data=CONFIRMED),
    Row("vendors:diligence", "GET", READ, args=lambda w: [w.vendors.entry.pk]),
    Row(
        "vendors:diligence_item",
        "POST",
        EDIT,
        args=lambda w: [w.vendors.item.pk],
        data=lambda w: {f"item-{w.vendors.item.pk}-status": "done", f"item-{w.vendors.item.pk}-evidence": "DPA signed"},
    ),
    # Comments: every member reads and comments (viewers too); only the author changes or deletes (here the owner's).
    Row("discussion:question", "GET", READ, args=lambda w: [w.draft.pk, "judgement"]),
    Row(
        "discussion:question", "POST", MEMBERS, args=lambda w: [w.draft.pk, "judgement"], data=lambda w: {"body": "Hi"}
    ),
    Row("discussion:result_comment", "POST", MEMBERS, args=_rec, data=lambda w: {"body": "Hi"}),
    Row("discussion:comment_edit", "GET", (200, 403, 403, 404, 302), args=lambda w: [w.comment.pk]),
    Row("discussion:comment_edit", "POST", OWNER, args=lambda w: [w.comment.pk], data=lambda w: {"body": "Changed"}),
    Row("discussion:comment_delete", "POST", OWNER, args=lambda w: [w.comment.pk], data=CONFIRMED),
    Row("discussion:assessment_activity", "GET", READ, args=_draft),
    Row("discussion:recommendation_activity", "GET", READ, args=_rec),
    # Each member's own inbox (the outsider has one in its organisation); a notification is its recipient's only.
    Row("discussion:inbox", "GET", SIGNED_IN),
    Row("discussion:read_all", "POST", (302, 302, 302, 302, 302)),
    Row("discussion:read", "POST", (302, 404, 404, 404, 302), args=lambda w: [w.notification.pk]),
    Row("discussion:preferences", "GET", SIGNED_IN),
    Row("discussion:preferences", "POST", (302, 302, 302, 302, 302), data=lambda w: {"kinds": ["mentioned"]}),
    # Deciding is for approvers (a flag, not a role: tests/signoff/); in this world nobody is one and the
    # recommendation needs no sign-off: every member reads that no decision can be recorded (200, review 149), a post
    # is refused as theirs to make (403), and the outsider sees nothing (404).
    Row("signoff:decide", "GET", (200, 200, 200, 404, 302), args=_rec),
    Row("signoff:decide", "POST", (403, 403, 403, 404, 302), args=_rec, data=lambda w: {"outcome": "approved"}),
    Row("signoff:policy", "GET", (200, 403, 403, 200, 302)),
    Row("signoff:policy", "POST", (302, 403, 403, 302, 302), data=lambda w: {"approvals_needed": "1"}),
    Row(
        "signoff:approver",
        "POST",
        OWNER,
        args=lambda w: [w.viewer_membership.pk],
        data=lambda w: {"can_approve": "yes"},
    ),
]


# Contributors and second opinions (apps/teamwork): the draft was started by the owner, its second opinion on "work"
# was asked of the owner, so only the owner answers it, and the one on "volume" of the editor, so only the owner settles
# it (whoever gave an opinion does not settle it).
MATRIX += [
    Row("teamwork:roles", "GET", SIGNED_IN),
    # The outsider is an owner too: the posted member is not one of theirs, which is refused in words (409), as a
    # member removed since the page was opened is, not "Saved" (reviews 116 and 123), and nothing changes.
    Row(
        "teamwork:roles",
        "POST",
        (302, 403, 403, 409, 302),
        data=lambda w: {f"roles-{w.editor_membership.pk}": ["legal"]},
    ),
    Row("teamwork:contributors", "GET", READ, args=_draft),
    Row("teamwork:contributors", "POST", OWNER, args=_draft, data=lambda w: {"section-data": "role-legal"}),
    Row("teamwork:opinion", "GET", (200, 403, 403, 404, 302), args=lambda w: [w.draft.pk, "work"]),
    Row("teamwork:opinion", "POST", OWNER, args=lambda w: [w.draft.pk, "work"], data=lambda w: {"judgement": "no"}),
    Row(
        "teamwork:settle",
        "POST",
        OWNER,
        args=lambda w: [w.draft.pk, "hours"],
        data=lambda w: {"choice": "second", "reason": "The editor counted the hours"},
    ),
]


# The JSON API answers API keys only: a signed-in session opens nothing (so no page can be made to call it
# with a member's cookies); scopes and isolation by key are in test_api_access.py.
NO_KEY = (401, 401, 401, 401, 401)
MATRIX += [
    Row("api:openapi-json", "GET", ALL_200),
    Row("api:openapi-view", "GET", ALL_200),
    Row("api:api-root", "GET", (404, 404, 404, 404, 404)),
    Row("api:playbook_schema", "GET", NO_KEY),
    Row("api:assessment_list", "GET", NO_KEY),
    Row("api:assessment_create", "POST", NO_KEY, data=lambda w: {"title": "New", "function": "legal"}),
    Row("api:assessment_get", "GET", NO_KEY, args=_draft),
    Row("api:answers_set", "PUT", NO_KEY, args=_draft),
    Row("api:answer_set", "PUT", NO_KEY, args=lambda w: [w.draft.pk, "judgement"]),
    Row("api:assessment_submit", "POST", NO_KEY, args=lambda w: [w.complete.pk]),
    Row("api:recommendation_list", "GET", NO_KEY),
    Row("api:recommendation_get", "GET", NO_KEY, args=_rec),
    Row("api:recommendation_obligations_csv", "GET", NO_KEY, args=_rec),
    Row("api:recommendation_vendors", "GET", NO_KEY, args=_rec),
    # Owners manage their organisation's keys (the outsider is an owner too, of its own organisation).
    Row("api_keys:list", "GET", (200, 403, 403, 200, 302)),
    Row(
        "api_keys:list",
        "POST",
        (200, 403, 403, 200, 302),
        data=lambda w: {"name": "Sourcing suite", "scopes": ["read"]},
    ),
    Row("api_keys:revoke", "POST", OWNER, args=lambda w: [w.api_key.pk], data=CONFIRMED),
    Row("api_keys:webhooks", "GET", (200, 403, 403, 200, 302)),
    Row(
        "api_keys:webhooks",
        "POST",
        (200, 403, 403, 200, 302),
        data=lambda w: {"url": "http://127.0.0.1:9/hooks", "events": ["decision.made"]},
    ),
    Row("api_keys:webhook", "GET", (200, 403, 403, 404, 302), args=lambda w: [w.webhook.pk]),
    Row("api_keys:webhook_remove", "POST", OWNER, args=lambda w: [w.webhook.pk], data=CONFIRMED),
]


def test_every_view_is_in_the_matrix() -> None:
    names = {p.name for p in site_patterns()}
    assert names == {row.name for row in MATRIX}, (
        f"views missing from the role matrix: {names - {r.name for r in MATRIX}}"
    )


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_role_matrix(world: World, row: Row) -> None:
    got = []
    for persona, expected in zip(PERSONAS, row.expect, strict=True):
        # Each persona acts on the same fresh data: whatever one cell changes is rolled back.
        with transaction.atomic():
            client = client_for(world.user(persona))
            before = snapshot()
            url = reverse(row.name, args=row.args(world))
            headers = {"HX-Request": "true"} if row.htmx else {}
            if row.method == "GET":
                response = client.get(url, row.query(world), headers=headers)
            elif row.method == "PUT":
                response = client.put(url, row.data(world), content_type="application/json", headers=headers)
            elif row.name.startswith("api:"):  # the API takes JSON bodies only (a form is a 415 before sign-in)
                response = client.post(url, row.data(world), content_type="application/json", headers=headers)
            else:
                response = client.post(url, row.data(world), headers=headers)
            got.append(response.status_code)
            if expected >= 400:
                after = {k: v for k, v in snapshot().items() if k not in row.counted}
                kept = {k: v for k, v in before.items() if k not in row.counted}
                assert after == kept, f"{row.id} as {persona} was refused but changed stored data"
            transaction.set_rollback(True)
    table = ", ".join(f"{p}={g}" for p, g in zip(PERSONAS, got, strict=True))
    assert tuple(got) == row.expect, f"{row.id}: got {table}"
