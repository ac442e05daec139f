"""Two organisations with one of everything, for the isolation, role and bad-input tests.

Acme (the ``organisation`` fixture) has an owner (buyer), an editor (colleague) and a viewer, a
draft assessment partly answered, a complete draft ready to submit, and two submitted
assessments with their recommendations. Other Corp has the outsider, an owner, with a
recommendation of its own.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.utils import timezone

from apps.accounts.models import Membership, Organisation, User
from apps.api.services import create_api_key, create_webhook_endpoint
from apps.compliance.models import Regime
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from apps.recommendations.models import ExportFile, Recommendation
from apps.recommendations.services import submit_and_recommend
from tests.accounts.factories import invitation_world
from tests.factories import AssessmentFactory, CommentFactory, NotificationFactory, RegimeFactory
from tests.vendors.factories import vendor_world

COMPLETE = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}
# Tables whose rows a refused request must leave exactly as they were (sessions excepted).
WATCHED_APPS = (
    "accounts", "questionnaire", "recommendations", "playbooks", "engagements", "compliance", "vendors", "api",
    "signoff", "discussion", "teamwork",
)  # fmt: skip


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # These tests sign in with force_login; hashing the personas' passwords properly costs seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    organisation: Organisation
    other_organisation: Organisation
    owner: User
    editor: User
    viewer: User
    outsider: User
    draft: Assessment
    complete: Assessment
    submitted: Assessment
    recommendation: Recommendation
    second_recommendation: Recommendation
    outsider_recommendation: Recommendation
    editor_membership: Membership
    viewer_membership: Membership
    regime: Regime
    vendors: Any = None  # tests/vendors/factories.py VendorWorld: a shortlist on ``recommendation``
    invitations: Any = None  # tests/accounts/factories.py InvitationWorld: one to the owner, one from Acme
    api_key: Any = None  # an API key of Acme with every scope (apps/api)
    api_secret: str = ""
    webhook: Any = None  # a webhook endpoint of Acme (apps/api)
    export_file: Any = None  # a history export of Acme made by the worker (apps/recommendations)
    comment: Any = None  # the owner's comment on a question of the draft (apps/discussion)
    notification: Any = None  # one of the owner's notifications in Acme (apps/discussion)

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else getattr(self, persona)


def _assessment(organisation: Organisation, user: User, playbook: Playbook, title: str, **answers: Any) -> Assessment:
    return AssessmentFactory(
        organisation=organisation, created_by=user, title=title, playbook=playbook, answers=answers
    )


def _recommended(organisation: Organisation, user: User, playbook: Playbook, title: str) -> Recommendation:
    return submit_and_recommend(assessment=_assessment(organisation, user, playbook, title, **COMPLETE), user=user)


@pytest.fixture
def world(
    organisation: Organisation,
    other_organisation: Organisation,
    buyer: User,
    colleague: User,
    viewer: User,
    outsider: User,
    playbook: Playbook,
) -> World:
    return build_world(organisation, other_organisation, buyer, colleague, viewer, outsider, playbook)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The same world built once for a module whose tests each leave it as they found it (the role matrix, the
    isolation walk), instead of once per test (half a second each, hundreds of times). It is written in a
    transaction left open for the module: each test's own transaction is a savepoint inside it, rolled back after
    the test as usual, and the world itself is rolled back after the module's last test. A module uses it by
    defining its own function-scoped ``world`` that returns ``fresh_copy(module_world)``."""
    from apps.playbooks.services import import_playbook, publish_playbook
    from tests.factories import MembershipFactory, OrganisationFactory
    from tests.playbook_data import small_playbook

    outer = transaction.atomic()
    # The root conftest's autouse settings (a fast hasher, tasks run at once) are function-scoped, so not yet in
    # force while a module fixture is built: the build sets them for itself.
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        ),
    ):
        outer.__enter__()
        try:
            organisation = OrganisationFactory(name="Acme Procurement")
            other_organisation = OrganisationFactory(name="Other Corp")

            def member(org: Organisation, role: str, email: str) -> User:
                return MembershipFactory(organisation=org, role=role, user__email=email).user

            built = build_world(
                organisation,
                other_organisation,
                member(organisation, Membership.Role.OWNER, "buyer@acme.test"),
                member(organisation, Membership.Role.EDITOR, "colleague@acme.test"),
                member(organisation, Membership.Role.VIEWER, "viewer@acme.test"),
                member(other_organisation, Membership.Role.OWNER, "outsider@other.test"),
                publish_playbook(playbook=import_playbook(data=small_playbook())),
            )
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fresh_copy(world: World) -> World:
    """A copy of the module's world for one test, its model instances copied, so a field a test changes in memory
    is not seen by the next. (The vendor and invitation worlds are shared; the tests that use this read their ids.)"""
    copies = {f.name: copy.copy(value) for f in fields(world) if isinstance(value := getattr(world, f.name), Model)}
    return replace(world, **copies)


def build_world(
    organisation: Organisation,
    other_organisation: Organisation,
    buyer: User,
    colleague: User,
    viewer: User,
    outsider: User,
    playbook: Playbook,
) -> World:
    recommendation = _recommended(organisation, buyer, playbook, "Legal review 2027")
    world = World(
        organisation=organisation,
        other_organisation=other_organisation,
        owner=buyer,
        editor=colleague,
        viewer=viewer,
        outsider=outsider,
        draft=_assessment(organisation, buyer, playbook, "Draft", function="legal", judgement=True),
        complete=_assessment(organisation, buyer, playbook, "Ready to submit", **COMPLETE),
        submitted=recommendation.assessment,
        recommendation=recommendation,
        second_recommendation=_recommended(organisation, colleague, playbook, "Research 2027"),
        outsider_recommendation=_recommended(other_organisation, outsider, playbook, "Their secret plan"),
        editor_membership=Membership.objects.get(user=colleague),
        viewer_membership=Membership.objects.get(user=viewer),
        regime=RegimeFactory(code="gdpr", name="GDPR"),
    )
    world.vendors = vendor_world(recommendation, buyer)
    world.api_key, world.api_secret = create_api_key(
        organisation=organisation, user=buyer, name="Acme sourcing suite", scopes=["read", "answer", "submit"]
    )
    world.webhook, _secret = create_webhook_endpoint(
        organisation=organisation, user=buyer, url="http://127.0.0.1:9/hooks", events=["recommendation.stored"]
    )
    world.export_file = ExportFile.objects.create(
        organisation=organisation, filename="kpo-recommendations.csv", newest=0, rows=0, content=b"id\n"
    )
    world.invitations = invitation_world(
        organisation=organisation, other_organisation=other_organisation, owner=buyer, outsider=outsider
    )
    world.comment = CommentFactory(assessment=world.draft, author=buyer)
    world.notification = NotificationFactory(organisation=organisation, recipient=buyer)
    # A second opinion on the draft's first section, asked of the owner and given (apps/teamwork).
    from apps.teamwork.models import SecondOpinion, SecondOpinionAnswer

    asked = SecondOpinion.objects.create(
        organisation=organisation,
        assessment=world.draft,
        section_code="work",
        reviewer=Membership.objects.get(user=buyer),
        requested_by=buyer,
        given_at=timezone.now(),
    )
    SecondOpinionAnswer.objects.create(organisation=organisation, opinion=asked, question_code="judgement", value=False)
    # And one on "volume", asked of the editor and given: whoever gave an opinion does not settle it, so the owner, who
    # started the draft, settles this one.
    by_editor = SecondOpinion.objects.create(
        organisation=organisation,
        assessment=world.draft,
        section_code="volume",
        reviewer=Membership.objects.get(user=colleague),
        requested_by=buyer,
        given_at=timezone.now(),
    )
    SecondOpinionAnswer.objects.create(organisation=organisation, opinion=by_editor, question_code="hours", value=1234)
    return world


def client_for(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def snapshot(app_labels: tuple[str, ...] = WATCHED_APPS) -> dict[str, tuple[int, str]]:
    """What stored data these apps' tables hold, to compare before and after a request that must change nothing.
    Two snapshots differ exactly where a row was added, removed or changed (or, inside a transaction, written at
    all), and name the model.

    Inside a transaction (every test's own, and the savepoint a test opens around each request), every row version
    the transaction writes has a place (``ctid``) of its own, a row written over with the same values included,
    while the rows nobody wrote keep theirs, and a write rolled back with its savepoint leaves the rows as they
    were. So a snapshot there is, per model, its number of rows and a digest of their places, read without a
    column. A table the transaction has not written to at all (PostgreSQL's count of its rows inserted, updated
    and deleted in the transaction, ``pg_stat_xact_user_tables``, is nought) holds what it held when first read
    in the transaction, so it is read once a transaction (the reference catalogue's thousands of rows among them).
    Outside a transaction a row's place may move without a change (``VACUUM FULL``), so there a snapshot is every
    row's digest: per model, its number of rows and a digest of all their columns (each row as PostgreSQL prints
    it), in one query."""
    models = [
        model
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy
    ]
    if not connection.in_atomic_block:
        return _digests(models, "md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), now()")  # now(): when the transaction began
        this_transaction = cursor.fetchone()
        cursor.execute(
            "SELECT relname FROM pg_stat_xact_user_tables WHERE schemaname = current_schema()"
            " AND n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        written = {name for (name,) in cursor.fetchall()}
    if _untouched.transaction != this_transaction:
        _untouched.transaction, _untouched.tables = this_transaction, {}
    cached = {
        m._meta.label: _untouched.tables[m._meta.label]
        for m in models
        if m._meta.db_table not in written and m._meta.label in _untouched.tables
    }
    # An exclusive or of the places: the rows need no sorting.
    places = "coalesce(bit_xor(hashtextextended(t.ctid::text, 0)), 0)::text"
    read = _digests([m for m in models if m._meta.label not in cached], places)
    for m in models:
        if m._meta.db_table not in written and m._meta.label in read:
            _untouched.tables[m._meta.label] = read[m._meta.label]
    return {**cached, **read}


@dataclass
class _Untouched:
    """Per transaction, the snapshot of each table it had not written to when read: the same until it writes to
    it."""

    transaction: Any = None  # the backend and the time the transaction began
    tables: dict[str, tuple[int, str]] = field(default_factory=dict)


_untouched = _Untouched()


def _digests(models: list[type[Model]], digest: str) -> dict[str, tuple[int, str]]:
    if not models:
        return {}
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(f"SELECT %s::text, count(*), {digest} FROM {quote(m._meta.db_table)} t" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(query, [m._meta.label for m in models])
        return {label: (count, value) for label, count, value in cursor.fetchall()}
