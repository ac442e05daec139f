"""Schemathesis against the API's own OpenAPI document: every operation, positive and negative cases,
no 5xx, and every response conforming to the schema (status, content type, body, headers).

Path ids are generated at random; about half are swapped for ids the organisation owns (a draft, a
recommendation), so the generated bodies and queries also reach real objects, not only 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from apps.accounts.models import Organisation, User
from apps.api.api import api as ninja_api
from apps.api.services import create_api_key
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.services import submit_and_recommend

schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()
schema.config.generation.update(modes=["positive", "negative"], max_examples=12, deterministic=True)
# A schema-valid request may still be refused with a 422: which codes exist (functions, questions, options,
# catalogue filters), which answers fit the pinned playbook, which cursors the API gave out are the
# playbook's and the database's to say, not JSON Schema's. That 422 must still be a conforming problem.
acceptance = schema.config.checks.positive_data_acceptance
acceptance.expected_statuses = [*acceptance.expected_statuses, "422"]


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Requests go through the WSGI handler, which closes the database connection when a request ends;
    like Django's test client, keep it open, so the test's transaction (and its data) stays."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def owned(
    organisation: Organisation, buyer: User, playbook: Playbook, settings: Any, in_test_transaction: None
) -> dict[str, Any]:
    settings.API_RATE_PER_MINUTE = 10_000  # the limit has its own test; here it would hide the operations
    draft = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Draft", playbook=playbook)
    Answer.objects.create(
        organisation_id=draft.organisation_id, assessment=draft, question_code="function", value="legal"
    )
    done = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Done", playbook=playbook)
    answers = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}
    Answer.objects.bulk_create(
        Answer(organisation_id=done.organisation_id, assessment=done, question_code=c, value=v)
        for c, v in answers.items()
    )
    recommendation = submit_and_recommend(assessment=done, user=buyer)
    _key, secret = create_api_key(
        organisation=organisation, user=buyer, name="Fuzz", scopes=["read", "answer", "submit"]
    )
    return {"secret": secret, "assessment_id": draft.pk, "recommendation_id": recommendation.pk}


# One test per operation, each with its own id. (``schema.parametrize()`` gives every operation the same node id
# under pytest 9.2, so pytest-xdist ran one of them and dropped the rest.)
OPERATIONS = {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_conforms_and_never_fails(label: str, owned: dict[str, Any]) -> None:
    operation = OPERATIONS[label]
    cases = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in GenerationMode))

    @given(case=cases)
    @settings(
        max_examples=12,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: Any) -> None:
        for name in ("assessment_id", "recommendation_id"):
            value = (case.path_parameters or {}).get(name)
            if isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = owned[name]
        case.call_and_validate(headers={"Authorization": f"Bearer {owned['secret']}"})

    check()


def test_every_operation_has_a_test_of_its_own() -> None:
    paths = ninja_api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    methods = {"get", "put", "post", "patch", "delete"}
    assert set(OPERATIONS) == {f"{m.upper()} {p}" for p, item in paths.items() for m in item if m in methods}
