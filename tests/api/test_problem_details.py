"""Refusals made around the API (an unknown path, a wrong method, hostile input, a body too large, the database
away, a failure of ours) reach the client as whole problem details: the body parses, and a Content-Length, when
the response has one, is the body's own (a stale one made a client wait 75 s for bytes that never came)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError

from apps.api import api as api_module
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


def _fail_with(exc: Exception) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return fail


def assert_whole_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    if response.has_header("Content-Length"):
        assert int(response["Content-Length"]) == len(response.content)
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_an_unknown_path_a_wrong_method_and_hostile_input_are_whole_problems(api: ApiClient) -> None:
    assert_whole_problem(api.get("/nope"), 404)
    response = api.client.delete("/api/v1/assessments", headers=api.headers)
    assert_whole_problem(response, 405)
    assert "GET" in response["Allow"]
    body = assert_whole_problem(api.get("/assessments", {"cursor": "\x00"}), 400)
    assert body["errors"] == [
        {"field": "", "message": "The query field 'cursor' contains a control character (like a NUL byte)."}
    ]


def test_a_body_over_the_limit_is_a_whole_problem(api: ApiClient) -> None:
    assert_whole_problem(api.post("/assessments", {"title": "x" * MIB, "function": "legal"}), 413)


def test_the_database_away_is_a_whole_problem_with_retry_after(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_module.Playbook.objects, "current", _fail_with(OperationalError("server closed")))
    response = api.get("/playbook")
    assert_whole_problem(response, 503)
    assert response["Retry-After"] == "10"


def test_a_failure_of_ours_is_a_whole_problem(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_module.Playbook.objects, "current", _fail_with(RuntimeError("a bug")))
    body = assert_whole_problem(api.get("/playbook"), 500)
    assert "nothing was changed" in body["detail"] and "a bug" not in json.dumps(body)
