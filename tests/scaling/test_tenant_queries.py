"""Every tenant query filters by the organisation, as a distributed PostgreSQL (Citus) with ``organisation_id`` as
the distribution column needs to send it to one node (docs/scaling.md).

The walk: every page with an id (the isolation walk's cases, tests/security/test_isolation.py, which has one for
every URL pattern with a parameter) and every API operation (tests/security/test_api_access.py), requested as
the organisation's own owner with each method the view takes: the legitimate access, GETs and the main forms'
POSTs (autosave, step save, submit, comment, shortlist, diligence, contributors, second opinion, sign-off); plus
the one-assessment pages on the reference playbook with a golden case's answers. Every SQL statement is
captured (with the product line that sent it), and every SELECT, UPDATE and DELETE must pin each
tenant-owned table it touches to one organisation. Requests that still miss it are in LEFT (strict xfail).

The rule (tests/scaling/tenant_sql.py): each occurrence of a tenant table in a statement, subqueries and joins
included, has its ``organisation_id`` compared with a value, or equated with the ``organisation_id`` of another
occurrence that is. A join on the parent's id alone is not enough. Exemptions, each with its reason, are in
``tenant_sql.EXEMPT``: the lookups that find the organisation (the signed-in user's memberships by user,
invitations to the user's email, an API key by its prefix), each exempt only when keyed by that column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.urls import reverse

from apps.accounts.models import Organisation
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory, ShortlistEntryFactory, ShortlistFactory
from tests.scaling.tenant_sql import (
    EXEMPT,
    assert_pinned_to_one_organisation,
    capture_statements,
    tenant_tables,
    unpinned,
)
from tests.security.conftest import World, client_for
from tests.security.conftest import fast_password_hashing as fast_password_hashing  # autouse, for the world
from tests.security.conftest import world as world
from tests.security.test_api_access import API_OPERATIONS, call
from tests.security.test_isolation import ISOLATION, QUERY_ISOLATION, send
from tests.vendors.factories import VendorFactory, entry_data, item_data

pytestmark = pytest.mark.django_db

# Work left: requests some of whose statements still reach tenant rows by id only, each with what does it.
# Strict: once fixed, the request passes and the test fails until it is taken off this list.
LEFT: dict[tuple[str, str], str] = {}
# Forms whose isolation case posts what an outsider's 404 needs, not what the owner's save needs: here the owner
# posts a valid change, so the save's own statements are checked too (a refused form writes nothing).
OWN_DATA: dict[str, Callable[[World], dict[str, Any]]] = {
    "vendors:diligence_item": lambda w: item_data(w.vendors.item, status="in_progress", evidence="DPA draft received"),
    "vendors:entry": lambda w: entry_data(w.vendors.entry, w.vendors.entry.status, notes="Asked for references"),
}
OWN_REQUESTS = [
    pytest.param(name, method, marks=[pytest.mark.xfail(reason=LEFT[name, method], strict=True)])
    if (name, method) in LEFT
    else (name, method)
    for name, case in sorted(ISOLATION.items())
    for method in case.methods
]


@pytest.mark.parametrize(("name", "method"), OWN_REQUESTS)
def test_pages_with_an_id_pin_every_tenant_query_to_the_organisation(world: World, name: str, method: str) -> None:
    case = ISOLATION[name]
    if name in OWN_DATA:
        case = replace(case, data=OWN_DATA[name](world))
    client = client_for(world.owner)
    url = reverse(name, args=case.args(world)[0])
    with capture_statements() as statements:
        response = send(client, method, url, case)
    # The owner reaches it (a form the case fills for the outsider may be refused here: its queries count too).
    assert response.status_code != 404 and response.status_code < 500, (method, url, response.status_code)
    if name in OWN_DATA:
        assert response.status_code < 400, (method, url, response.status_code)
    assert_pinned_to_one_organisation(statements)


@pytest.mark.parametrize("name", sorted(QUERY_ISOLATION))
def test_pages_with_ids_in_the_query_pin_every_tenant_query(world: World, name: str) -> None:
    client = client_for(world.owner)
    with capture_statements() as statements:
        assert client.get(reverse(name), QUERY_ISOLATION[name](world)).status_code == 200
    assert_pinned_to_one_organisation(statements)


@pytest.mark.parametrize("name", sorted(API_OPERATIONS))
def test_api_operations_pin_every_tenant_query_to_the_organisation(world: World, name: str) -> None:
    op = API_OPERATIONS[name]
    with capture_statements() as statements:
        response = call(world.api_secret, op, op.args(world))
    assert response.status_code < 400, response.content
    assert_pinned_to_one_organisation(statements)


@pytest.mark.parametrize("page", ["step", "review", "result", "shortlist", "autosave", "submit"])
def test_one_assessment_on_the_reference_playbook_pins_every_tenant_query(
    page: str, reference: Any, organisation: Organisation, buyer: Any, buyer_client: Any
) -> None:
    """The reference playbook's pages with a golden case's answers: every section, cost and regime drawn."""
    golden = reference.golden_cases.order_by("pk").first().answers
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=golden)
    compiled = compiled_playbook(reference)
    section = compiled.sections[0]
    if page in ("result", "shortlist"):
        rec = submit_and_recommend(assessment=draft, user=buyer)
        ShortlistEntryFactory(shortlist=ShortlistFactory(recommendation=rec), vendor=VendorFactory())
    question = next(q for q in section.questions if q in golden and q != compiled.roles["function"])
    requests = {
        "step": lambda: buyer_client.get(reverse("questionnaire:step", args=[draft.pk, section.code])),
        "review": lambda: buyer_client.get(reverse("questionnaire:review", args=[draft.pk])),
        "result": lambda: buyer_client.get(reverse("recommendations:detail", args=[rec.pk])),
        "shortlist": lambda: buyer_client.get(reverse("vendors:shortlist", args=[rec.pk])),
        "autosave": lambda: buyer_client.post(
            reverse("questionnaire:answer", args=[draft.pk, question]),
            {question: _form_value(golden[question])},
            headers={"HX-Request": "true"},
        ),
        "submit": lambda: buyer_client.post(reverse("recommendations:submit", args=[draft.pk])),
    }
    with capture_statements() as statements:
        assert requests[page]().status_code < 400
    assert_pinned_to_one_organisation(statements)


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


# The checker itself: it must catch what it is for, and let through what the rule allows.

TABLES = {"questionnaire_answer", "questionnaire_assessment", "accounts_membership"}


@pytest.mark.parametrize(
    ("sql", "loose"),
    [
        ('SELECT * FROM "questionnaire_answer" WHERE "questionnaire_answer"."assessment_id" = 3',
         ["questionnaire_answer"]),
        ('SELECT * FROM "questionnaire_answer" WHERE ("questionnaire_answer"."assessment_id" = 3 AND '
         '"questionnaire_answer"."organisation_id" = 7)', []),
        ('SELECT * FROM "questionnaire_answer" INNER JOIN "questionnaire_assessment" ON ("questionnaire_answer".'
         '"assessment_id" = "questionnaire_assessment"."id") WHERE "questionnaire_assessment"."organisation_id" = 7',
         ["questionnaire_answer"]),
        ('SELECT * FROM "questionnaire_answer" INNER JOIN "questionnaire_assessment" ON ("questionnaire_answer".'
         '"organisation_id" = "questionnaire_assessment"."organisation_id") WHERE "questionnaire_assessment".'
         '"organisation_id" IN (7)', []),
        ('SELECT 1 FROM "questionnaire_assessment" WHERE "questionnaire_assessment"."id" IN (SELECT U0."assessment_id"'
         ' FROM "questionnaire_answer" U0 WHERE U0."question_code" = \'x\') AND "questionnaire_assessment".'
         '"organisation_id" = 7', ["questionnaire_answer"]),
        ('UPDATE "questionnaire_assessment" SET "title" = \'x\' WHERE "questionnaire_assessment"."id" = 3',
         ["questionnaire_assessment"]),
        ('DELETE FROM "questionnaire_answer" WHERE ("questionnaire_answer"."organisation_id" = 7 AND '
         '"questionnaire_answer"."id" IN (1))', []),
        ("SELECT value FROM questionnaire_answer WHERE organisation_id = %s AND assessment_id = %s", []),
        ('SELECT * FROM "accounts_membership" WHERE "accounts_membership"."user_id" = 5', []),
        ('SELECT * FROM "accounts_membership" WHERE "accounts_membership"."role" = \'owner\'', ["accounts_membership"]),
        ('INSERT INTO "questionnaire_answer" ("organisation_id") VALUES (7)', []),
        # Each part of a UNION on its own: the second part names the table without the organisation.
        ('(SELECT 1 FROM "questionnaire_answer" WHERE "questionnaire_answer"."organisation_id" = 7) UNION ALL '
         '(SELECT 1 FROM "questionnaire_answer" WHERE "questionnaire_answer"."assessment_id" = 3)',
         ["questionnaire_answer"]),
        # A correlated subquery on the outer row's organisation (OuterRef), and one compared with a column only.
        ('SELECT 1 FROM "questionnaire_assessment" WHERE EXISTS(SELECT 1 FROM "questionnaire_answer" "U0" WHERE '
         '"U0"."organisation_id" = ("questionnaire_assessment"."organisation_id")) AND '
         '"questionnaire_assessment"."organisation_id" = 7', []),
        ('SELECT 1 FROM "questionnaire_assessment" WHERE EXISTS(SELECT 1 FROM "questionnaire_answer" "U0" WHERE '
         '"U0"."organisation_id" = ("questionnaire_assessment"."organisation_id"))',
         ["questionnaire_assessment", "questionnaire_answer"]),
        # pghistory's context in front of a write is not the statement.
        ("SELECT set_config('pghistory.context_id', 'x', true), set_config('pghistory.context_metadata', '{}', "
         'true); UPDATE "questionnaire_assessment" SET "title" = \'x\' WHERE "questionnaire_assessment"."id" = 3',
         ["questionnaire_assessment"]),
    ],
)  # fmt: skip
def test_the_checker_finds_tenant_tables_not_pinned_to_one_organisation(sql: str, loose: list[str]) -> None:
    assert unpinned(sql, TABLES) == loose


def test_every_exemption_names_a_tenant_table() -> None:
    assert set(EXEMPT) <= tenant_tables()
