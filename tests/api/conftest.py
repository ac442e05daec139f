"""API keys for the personas' organisations, and a client that sends one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.api.services import create_api_key

ALL_SCOPES = ("read", "answer", "submit")


class ApiClient:
    """The test client with ``Authorization: Bearer <key>`` on every request and JSON bodies."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, query: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(f"/api/v1{path}", query or {}, headers={**self.headers, **headers})

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers={**self.headers, **headers}
        )

    def put(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.put(
            f"/api/v1{path}", body, content_type="application/json", headers={**self.headers, **headers}
        )


def key_client(organisation: Organisation, user: User, scopes: tuple[str, ...] = ALL_SCOPES) -> ApiClient:
    _key, secret = create_api_key(organisation=organisation, user=user, name="Test", scopes=scopes)
    return ApiClient(secret)


@pytest.fixture
def api(organisation: Organisation, buyer: User) -> ApiClient:
    """A key of the buyer's organisation with every scope."""
    return key_client(organisation, buyer)


@pytest.fixture
def outsider_api(other_organisation: Organisation, outsider: User) -> ApiClient:
    return key_client(other_organisation, outsider)


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call of the test falls in the same minute: rate limits count per minute, so a run crossing a
    minute's boundary between two calls would start a new count (and stamp the key again) and fail by chance."""
    middle = timezone.now().replace(second=30, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: middle)
