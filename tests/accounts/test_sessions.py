"""The session store reads with SQL written once, and reads what Django's database store reads."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(**data: object) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_the_product_uses_it() -> None:
    assert settings.SESSION_ENGINE == "apps.accounts.sessions"


def test_a_live_session_reads_as_djangos_store_reads_it() -> None:
    key = _saved(user="7", note="ünïcode ✓", nested={"a": [1, 2]})
    ours, theirs = SessionStore(key), DjangoStore(key)
    assert ours.load() == theirs.load() == {"user": "7", "note": "ünïcode ✓", "nested": {"a": [1, 2]}}
    assert ours.session_key == theirs.session_key == key


@pytest.mark.parametrize("why", ["expired", "unknown", "deleted"])
def test_no_live_session_reads_empty_and_forgets_the_key(why: str) -> None:
    key = _saved(user="7")
    if why == "expired":
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    elif why == "unknown":
        key = key[::-1]
    else:
        Session.objects.filter(session_key=key).delete()
    ours, theirs = SessionStore(key), DjangoStore(key)
    assert ours.load() == theirs.load() == {}
    assert ours.session_key is None and theirs.session_key is None


def test_a_session_saved_again_after_reading_none_gets_a_new_key() -> None:
    key = _saved(user="7")
    Session.objects.filter(session_key=key).delete()
    store = SessionStore(key)
    store["user"] = "8"
    store.save()
    assert store.session_key not in (None, key)
    assert SessionStore(store.session_key).load() == {"user": "8"}


def test_one_statement_with_the_key_and_the_time_as_parameters() -> None:
    key = _saved(user="7")
    with CaptureQueriesContext(connection) as queries:
        SessionStore(key).load()
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert sql.startswith('SELECT "session_data" FROM "django_session" WHERE "session_key" = ')
    assert '"expire_date" >' in sql
    # A key is data, never SQL: one that would end the string literal reads as no session.
    assert SessionStore("x' OR '1'='1").load() == {}


def test_a_signed_in_page_reads_its_session_through_it(client, django_user_model, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(email="reader@example.test", password="a long pass phrase 2026")
    client.force_login(user)
    read: list[str | None] = []
    original = SessionStore._live_session_data

    def watched(self: SessionStore) -> str | None:
        found = original(self)
        read.append(found)
        return found

    monkeypatch.setattr(SessionStore, "_live_session_data", watched)
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 200
    assert len(read) == 1 and read[0] is not None
    assert response.wsgi_request.user == user
