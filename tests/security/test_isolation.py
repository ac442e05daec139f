"""Tenant isolation: another organisation's ids give 404 and change nothing; the admin is staff-only.

ISOLATION registers, for every URL pattern that takes an object id or code, how to build it from
the ``world`` fixture's objects and which methods its view accepts. A new pattern with a parameter
fails ``test_every_url_with_an_id_has_an_isolation_case`` until it is registered here (or exempted,
with the reason).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from apps.accounts.models import SsoDomain
from tests.factories import RegimeFactory
from tests.security.conftest import World, client_for, fresh_copy, snapshot
from tests.security.urls import admin_patterns, site_patterns

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(module_world: World) -> World:
    """Built once for the module: every test here leaves stored data as it found it (conftest.module_world)."""
    return fresh_copy(module_world)


MISSING = 2**31 - 7  # an id that exists in no table


@dataclass(frozen=True)
class Case:
    """``args`` builds one or more argument lists; the first must be all the victim organisation's own."""

    args: Callable[[World], list[list[Any]]]
    methods: tuple[str, ...]
    data: dict[str, Any] = field(default_factory=dict)
    htmx: bool = False


ISOLATION: dict[str, Case] = {
    "accounts:change_role": Case(lambda w: [[w.editor_membership.pk]], ("POST",), {"role": "viewer"}),
    "accounts:remove_member": Case(lambda w: [[w.editor_membership.pk]], ("POST",)),
    "accounts:cancel_invitation": Case(lambda w: [[w.invitations.from_organisation.pk]], ("POST",)),
    # An invitation belongs to the invited email: here the owner's, sent by the outsider's own
    # organisation, which gets a 404 like everyone else.
    "accounts:accept_invitation": Case(lambda w: [[w.invitations.to_owner.pk]], ("POST",)),
    "accounts:decline_invitation": Case(lambda w: [[w.invitations.to_owner.pk]], ("POST",)),
    "accounts:remove_sso_domain": Case(
        lambda w: [[SsoDomain.objects.get_or_create(organisation=w.organisation, domain="acme.test")[0].pk]], ("POST",)
    ),
    "questionnaire:resume": Case(lambda w: [[w.draft.pk]], ("GET",)),
    "questionnaire:step": Case(lambda w: [[w.draft.pk, "work"]], ("GET", "POST"), {"judgement": "no"}),
    "questionnaire:answer": Case(lambda w: [[w.draft.pk, "judgement"]], ("POST",), {"judgement": "no"}, htmx=True),
    "questionnaire:review": Case(lambda w: [[w.draft.pk]], ("GET",)),
    "questionnaire:delete": Case(lambda w: [[w.draft.pk]], ("POST",)),
    "questionnaire:delete_confirm": Case(lambda w: [[w.draft.pk]], ("GET",)),
    "recommendations:detail": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "recommendations:export_json": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "recommendations:obligations_csv": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "recommendations:cost_csv": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "recommendations:flips": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "recommendations:rescore": Case(lambda w: [[w.recommendation.pk]], ("POST",)),
    "recommendations:memo_pdf": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "recommendations:what_if": Case(lambda w: [[w.recommendation.pk]], ("GET", "POST"), {"judgement": "no"}),
    "recommendations:what_if_save": Case(
        lambda w: [[w.recommendation.pk]], ("POST",), {"judgement": "no", "whatif_title": "Taken over"}
    ),
    "recommendations:compare_pair": Case(
        lambda w: [
            [w.recommendation.pk, w.second_recommendation.pk],
            # Mixing in one of the outsider's own recommendations must not open the other.
            [w.recommendation.pk, w.outsider_recommendation.pk],
            [w.outsider_recommendation.pk, w.recommendation.pk],
        ],
        ("GET",),
    ),
    "recommendations:submit": Case(lambda w: [[w.complete.pk]], ("POST",)),
    "recommendations:for_assessment": Case(lambda w: [[w.submitted.pk]], ("GET",)),
    "vendors:matching": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "vendors:shortlist": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "vendors:add": Case(lambda w: [[w.recommendation.pk]], ("POST",), {"vendor": "vendor-spare"}),
    "vendors:compare": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "vendors:export_csv": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "vendors:entry": Case(lambda w: [[w.vendors.entry.pk]], ("POST",)),
    "vendors:remove": Case(lambda w: [[w.vendors.entry.pk]], ("POST",)),
    "vendors:diligence": Case(lambda w: [[w.vendors.entry.pk]], ("GET",)),
    "vendors:diligence_item": Case(lambda w: [[w.vendors.item.pk]], ("POST",)),
    "discussion:question": Case(lambda w: [[w.draft.pk, "judgement"]], ("GET", "POST"), {"body": "Taken over"}),
    "discussion:assessment_activity": Case(lambda w: [[w.draft.pk]], ("GET",)),
    "discussion:result_comment": Case(lambda w: [[w.recommendation.pk]], ("GET", "POST"), {"body": "Taken over"}),
    "discussion:recommendation_activity": Case(lambda w: [[w.recommendation.pk]], ("GET",)),
    "discussion:comment_edit": Case(lambda w: [[w.comment.pk]], ("GET", "POST"), {"body": "Hijacked"}),
    "discussion:comment_delete": Case(lambda w: [[w.comment.pk]], ("POST",)),
    "discussion:read": Case(lambda w: [[w.notification.pk]], ("POST",)),
    "signoff:decide": Case(lambda w: [[w.recommendation.pk]], ("GET", "POST"), {"outcome": "rejected", "reason": "x"}),
    "signoff:approver": Case(lambda w: [[w.editor_membership.pk]], ("POST",), {"can_approve": "yes"}),
    "api_keys:revoke": Case(lambda w: [[w.api_key.pk]], ("POST",)),
    "teamwork:contributors": Case(lambda w: [[w.draft.pk]], ("GET", "POST"), {"section-data": "role-legal"}),
    "teamwork:opinion": Case(lambda w: [[w.draft.pk, "work"]], ("GET", "POST"), {"judgement": "no"}),
    "teamwork:settle": Case(
        lambda w: [[w.draft.pk, "judgement"]], ("POST",), {"choice": "second", "reason": "Taken over from outside"}
    ),
    "recommendations:export_download": Case(lambda w: [[w.export_file.pk]], ("GET",)),
    "api_keys:webhook": Case(lambda w: [[w.webhook.pk]], ("GET",)),
    "api_keys:webhook_remove": Case(lambda w: [[w.webhook.pk]], ("POST",)),
}

# Views that take ids in the query string, which the URL walk cannot see: name -> the ids to ask for.
QUERY_ISOLATION: dict[str, Callable[[World], dict[str, list[int]]]] = {
    "recommendations:compare": lambda w: {"ids": [w.recommendation.pk, w.second_recommendation.pk]},
}

EXEMPT = {
    "accounts:password_reset_confirm": "a signed, expiring token for one user, not an organisation's object "
    "(test_a_password_reset_link_for_someone_else_opens_nothing)",
    "compliance:regime_detail": "regimes are the shared reference catalogue, the same for every organisation",
    **{
        f"api:{name}": "the JSON API takes API keys, not sessions: walked with another organisation's key in "
        "test_api_access.py (test_another_organisations_ids_give_404_through_the_api)"
        for name in (
            "assessment_get",
            "answers_set",
            "answer_set",
            "assessment_submit",
            "recommendation_get",
            "recommendation_obligations_csv",
            "recommendation_vendors",
        )
    },
}


def send(client: Client, method: str, url: str, case: Case) -> Any:
    headers = {"HX-Request": "true"} if case.htmx else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, case.data, headers=headers)


def test_every_url_with_an_id_has_an_isolation_case() -> None:
    with_params = {p.name for p in site_patterns() if p.params}
    missing = with_params - set(ISOLATION) - set(EXEMPT)
    assert not missing, f"URL patterns with ids but no isolation case in {__name__}.ISOLATION: {sorted(missing)}"
    stale = (set(ISOLATION) | set(EXEMPT)) - with_params
    assert not stale, f"isolation cases for URL names that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(ISOLATION))
def test_another_organisations_ids_give_404_and_change_nothing(world: World, name: str, method: str) -> None:
    case = ISOLATION[name]
    outsider = client_for(world.outsider)
    # A method the view does not take is refused (405) the same for every id, so it reveals nothing.
    expected = 404 if method in case.methods else 405
    for args in case.args(world):
        before = snapshot()
        response = send(outsider, method, reverse(name, args=args), case)
        assert response.status_code == expected, (args, response.status_code)
        assert snapshot() == before, f"{method} {name} {args} changed stored data"
        nonexistent = [MISSING if isinstance(a, int) else a for a in args]
        assert send(outsider, method, reverse(name, args=nonexistent), case).status_code == expected
    if method in case.methods:
        # The same URL works for the organisation's own owner: the 404 above is the scoping, not a typo.
        own = send(client_for(world.owner), method, reverse(name, args=case.args(world)[0]), case)
        assert own.status_code != 404


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize("name", sorted(ISOLATION))
def test_another_organisations_ids_give_404_whatever_the_outsiders_role(world: World, name: str, role: str) -> None:
    """A viewer (or an editor, on an owner's route) of another organisation is told 404, as its owner is, not 403
    "this needs the editor role": the role is judged only for an object of their own organisation (review 75)."""
    from tests.factories import MembershipFactory

    case = ISOLATION[name]
    below = MembershipFactory(organisation=world.other_organisation, role=role, user__email=f"{role}@other.test").user
    outsider = client_for(below)
    for method in case.methods:
        for args in case.args(world):
            before = snapshot()
            response = send(outsider, method, reverse(name, args=args), case)
            assert response.status_code == 404, (method, args, response.status_code)
            assert snapshot() == before, f"{method} {name} {args} changed stored data"
            nonexistent = [MISSING if isinstance(a, int) else a for a in args]
            assert send(outsider, method, reverse(name, args=nonexistent), case).status_code == 404


@pytest.mark.parametrize("name", sorted(QUERY_ISOLATION))
def test_another_organisations_ids_in_the_query_give_404(world: World, name: str) -> None:
    query = QUERY_ISOLATION[name](world)
    assert client_for(world.owner).get(reverse(name), query).status_code == 200
    outsider = client_for(world.outsider)
    before = snapshot()
    assert outsider.get(reverse(name), query).status_code == 404
    # One of its own ids next to another organisation's opens nothing either.
    mixed = {key: [world.outsider_recommendation.pk, *ids[1:]] for key, ids in query.items()}
    assert outsider.get(reverse(name), mixed).status_code == 404
    assert snapshot() == before


def test_a_password_reset_link_for_someone_else_opens_nothing(client: Client, world: World) -> None:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.owner.pk))
    before = snapshot()
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, "forged-token"]))
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert "Link no longer valid" in response.content.decode()
    response = client.post(
        reverse("accounts:password_reset_confirm", args=[uid, "forged-token"]),
        {"new_password1": "taken-over-passphrase-1", "new_password2": "taken-over-passphrase-1"},
    )
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert snapshot() == before


# The Django admin: curators only


def _admin_urls() -> list[str]:
    """A concrete URL for every admin pattern, named or not, with a dummy id wherever one is needed."""
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    urls = []
    for pattern in admin_patterns():
        if "(?P<app_label>" in pattern.route:
            urls += [f"/admin/{label}/" for label in app_labels]
        elif "(?P<url>" in pattern.route:
            urls.append("/admin/no-such-page/")
        else:
            urls.append("/" + re.sub(r"<(?:\w+:)?\w+>", "1", pattern.route))
    return urls


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_member_who_is_not_staff_is_sent_to_the_admin_login_from_every_admin_url(world: World, method: str) -> None:
    client = client_for(world.owner)
    before = snapshot()
    wrong = []
    for url in _admin_urls():
        response = client.get(url) if method == "GET" else client.post(url, {"title": "hijacked"})
        if url == "/admin/login/":
            ok = response.status_code == 200  # the login page itself: "you are not authorised"
        elif url == "/admin/logout/":
            ok = response.status_code in (302, 405) and response.get("Location", "/admin/").startswith("/admin/")
        else:
            ok = response.status_code == 302 and response["Location"].startswith("/admin/login/")
        if not ok:
            wrong.append(f"{method} {url}: {response.status_code} {response.get('Location', '')}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before
    assert len(_admin_urls()) > 50  # the walk found the whole admin, not an empty list


def test_every_admin_model_is_covered_by_the_walk() -> None:
    urls = set(_admin_urls())
    for model in admin.site._registry:
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert changelist in urls, changelist
    assert apps.get_app_config("accounts")  # the walk ran against the installed apps


def test_the_snapshot_sees_a_row_added_changed_or_removed(world: World) -> None:
    """The snapshot every refusal is checked against: each kind of change shows, under the changed model's name
    (inside the test's transaction, as the counts of rows written: tests/security/test_snapshot.py)."""
    before = snapshot()
    assert snapshot() == before
    world.draft.title = "Renamed"
    world.draft.save(update_fields=["title"])
    changed = snapshot()
    assert {k for k in before if changed[k] != before[k]} == {"questionnaire.Assessment"}
    world.regime.delete()
    removed = snapshot()
    assert "compliance.Regime" in {k for k in before if removed[k] != changed[k]}
    RegimeFactory(code="ccpa", name="CCPA")
    assert snapshot()["compliance.Regime"] != removed["compliance.Regime"]
