"""Personas, as in the style guide: a buyer (owner), a colleague (editor), a viewer, an outsider
(member of another organisation) and a curator (staff)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Membership, Organisation, User
from apps.playbooks.models import Playbook
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: Any) -> None:
    """A test database per test run, so runs started at the same time never share (or drop) one."""
    from django.conf import settings

    base = settings.DATABASES["default"].get("NAME") or "kpo_advisor"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_{base}_{os.getpid()}"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests sign people in by the hundred: a fast hasher keeps the suite quick (never used outside tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Acme Procurement")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Other Corp")


@pytest.fixture
def buyer(organisation: Organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Membership.Role.OWNER, user__email="buyer@acme.test").user


@pytest.fixture
def colleague(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.EDITOR, user__email="colleague@acme.test"
    ).user


@pytest.fixture
def viewer(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.VIEWER, user__email="viewer@acme.test"
    ).user


@pytest.fixture
def outsider(other_organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=other_organisation, role=Membership.Role.OWNER, user__email="outsider@other.test"
    ).user


@pytest.fixture
def curator(db: None) -> User:
    return UserFactory(email="curator@kpo.test", is_staff=True, is_superuser=True)


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def buyer_client(buyer: User) -> Client:
    return _client_for(buyer)


@pytest.fixture
def colleague_client(colleague: User) -> Client:
    return _client_for(colleague)


@pytest.fixture
def viewer_client(viewer: User) -> Client:
    return _client_for(viewer)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return _client_for(outsider)


@pytest.fixture
def curator_client(curator: User) -> Client:
    return _client_for(curator)


@pytest.fixture
def playbook(db: None) -> Playbook:
    """The small test playbook, published (version 1)."""
    from apps.playbooks.services import import_playbook, publish_playbook
    from tests.playbook_data import small_playbook

    return publish_playbook(playbook=import_playbook(data=small_playbook()))
