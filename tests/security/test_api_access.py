"""The JSON API's access rules, walked over every API operation: another organisation's key gets a 404
for this organisation's ids and changes nothing; a key without the operation's scope gets a 403, a
revoked, unknown or missing key a 401, all changing nothing.

API_OPERATIONS registers every ``api:`` URL pattern; a new operation fails
``test_every_api_operation_is_registered`` until it is added here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.api.models import ApiKey
from apps.api.services import create_api_key
from tests.security.conftest import WATCHED_APPS, World, snapshot
from tests.security.urls import site_patterns

pytestmark = pytest.mark.django_db

MISSING = 2**31 - 7
# A refused call still counts against the key (its rate counter, last used): everything else must stay.
DOMAIN = tuple(app for app in WATCHED_APPS if app != "api")


@dataclass(frozen=True)
class Op:
    method: str
    scope: str
    args: Callable[[World], list[Any]] = lambda w: []
    body: dict[str, Any] = field(default_factory=dict)


API_OPERATIONS: dict[str, Op] = {
    "api:playbook_schema": Op("GET", "read"),
    "api:assessment_list": Op("GET", "read"),
    "api:assessment_create": Op("POST", "answer", body={"title": "Taken over", "function": "legal"}),
    "api:assessment_get": Op("GET", "read", lambda w: [w.draft.pk]),
    "api:answers_set": Op("PUT", "answer", lambda w: [w.draft.pk], {"answers": {"judgement": False}}),
    "api:answer_set": Op("PUT", "answer", lambda w: [w.draft.pk, "judgement"], {"value": False}),
    "api:assessment_submit": Op("POST", "submit", lambda w: [w.complete.pk]),
    "api:recommendation_list": Op("GET", "read"),
    "api:recommendation_get": Op("GET", "read", lambda w: [w.recommendation.pk]),
    "api:recommendation_obligations_csv": Op("GET", "read", lambda w: [w.recommendation.pk]),
    "api:recommendation_vendors": Op("GET", "read", lambda w: [w.recommendation.pk]),
}
PUBLIC = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def call(secret: str | None, op: Op, args: list[Any]) -> Any:
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    url = reverse(next(n for n, o in API_OPERATIONS.items() if o is op), args=args)
    if op.method == "GET":
        return client.get(url, headers=headers)
    send = client.post if op.method == "POST" else client.put
    return send(url, op.body, content_type="application/json", headers=headers)


def _key(world: World, organisation: Any, scopes: list[str]) -> str:
    # Made by an owner of that organisation, as keys are (``accounts.services.lock_owner``).
    owner = world.owner if organisation == world.organisation else world.outsider
    return create_api_key(organisation=organisation, user=owner, name="Test", scopes=scopes)[1]


def test_every_api_operation_is_registered() -> None:
    names = {p.name for p in site_patterns() if p.name and p.name.startswith("api:")}
    assert names - PUBLIC == set(API_OPERATIONS), sorted(names ^ (set(API_OPERATIONS) | PUBLIC))


@pytest.mark.parametrize("name", sorted(API_OPERATIONS))
def test_another_organisations_ids_give_404_through_the_api(world: World, name: str) -> None:
    op = API_OPERATIONS[name]
    args = op.args(world)
    if not args:
        pytest.skip("no id in this operation's URL: its lists are the key's organisation's (tests/api)")
    outsider_key = _key(world, world.other_organisation, ["read", "answer", "submit"])
    before = snapshot(DOMAIN)
    response = call(outsider_key, op, args)
    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    missing = [MISSING if isinstance(a, int) else a for a in args]
    assert call(outsider_key, op, missing).status_code == 404
    assert snapshot(DOMAIN) == before
    # The organisation's own key reaches it: the 404 is the scoping, not a typo.
    assert call(world.api_secret, op, args).status_code < 400


@pytest.mark.parametrize("name", sorted(API_OPERATIONS))
def test_a_key_without_the_scope_gets_403_and_changes_nothing(world: World, name: str) -> None:
    op = API_OPERATIONS[name]
    others = [s for s in ("read", "answer", "submit") if s != op.scope]
    before = snapshot(DOMAIN)
    response = call(_key(world, world.organisation, others), op, op.args(world))
    assert response.status_code == 403, response.content
    assert f"'{op.scope}' scope" in response.json()["detail"]
    assert snapshot(DOMAIN) == before


@pytest.mark.parametrize("name", sorted(API_OPERATIONS))
def test_no_key_a_wrong_key_or_a_revoked_key_gets_401(world: World, name: str) -> None:
    op = API_OPERATIONS[name]
    revoked = _key(world, world.organisation, ["read", "answer", "submit"])
    ApiKey.objects.filter(revoked_at__isnull=True).exclude(pk=world.api_key.pk).update(revoked_at=timezone.now())
    wrong = world.api_secret[:-4] + ("aaaa" if not world.api_secret.endswith("aaaa") else "bbbb")
    before = snapshot()
    for secret in (None, "", "kpo_nope_nope", wrong, revoked):
        response = call(secret, op, op.args(world))
        assert response.status_code == 401, (secret, response.content)
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert snapshot() == before
