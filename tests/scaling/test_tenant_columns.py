"""Every tenant-owned table carries the organisation, as a distributed PostgreSQL (Citus) needs its distribution
column (docs/scaling.md). A table is tenant-owned when its foreign keys lead to an organisation; it must have an
``organisation`` column itself, or be listed below with the reason it does not (yet).

Queries filtering by it: every page that takes an object's id looks it up through ``get_for_member`` (the
organisation filter), which the isolation walk over every URL checks (tests/security/test_isolation.py:
``test_every_url_with_an_id_has_an_isolation_case`` fails for a new URL without a case); the lists (history,
portfolio, members) filter by ``request.organisation``, which the second test below checks by their SQL, with the
rule of tests/scaling/tenant_sql.py (every query of the pages with an id: test_tenant_queries.py)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models as m
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Membership, Organisation
from apps.api.services import count_call, create_api_key
from apps.discussion.services import announce_overdue_items
from apps.playbooks.engine.types import INTEGER
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import services as questionnaire
from apps.recommendations.insight import record_flips
from apps.recommendations.memo import _store as memo_store
from apps.recommendations.models import PackedAnswers
from apps.recommendations.services import submit_and_recommend
from apps.teamwork import services as teamwork
from apps.vendors import services as vendor_services
from tests.factories import DiligenceItemFactory, ShortlistEntryFactory, ShortlistFactory
from tests.scaling.tenant_sql import assert_pinned_to_one_organisation, capture_statements
from tests.vendors.factories import VendorFactory

# Tenant-owned tables without the column, each with the reason (none now: every child row carries its
# parent's organisation, set where it is made and checked below). Kept for a future exception, which
# docs/scaling.md's Citus steps then have to cover.
CHILDREN: dict[str, str] = {}
# The tables that were such exceptions until each got the column: the check below must see rows of each.
FORMER_CHILDREN = (
    "recommendations.Memo",
    "recommendations.FlipRecord",
    "recommendations.PackedAnswers",
    "questionnaire.Answer",
    "vendors.ShortlistEntry",
    "vendors.DiligenceItem",
    "teamwork.StakeholderRole",
    "teamwork.SectionAssignment",
    "teamwork.SecondOpinion",
    "teamwork.SecondOpinionAnswer",
    "teamwork.Settlement",
    "discussion.OverdueNotice",
    "api.RateCounter",
)
# Not tenant data although a foreign key leads to an organisation.
SHARED = {
    "accounts.Organisation": "the tenant itself (the distribution column's table: a reference table on Citus)",
}


def _foreign_keys(model: type[m.Model]) -> list[m.ForeignKey]:  # type: ignore[type-arg]
    return [f for f in model._meta.get_fields() if isinstance(f, m.ForeignKey)]


def _reaches_organisation(model: type[m.Model], seen: frozenset[type[m.Model]] = frozenset()) -> bool:
    for field in _foreign_keys(model):
        target = field.related_model
        if target is Organisation:
            return True
        unseen = isinstance(target, type) and target not in seen and target is not model
        if unseen and _reaches_organisation(target, seen | {model}):
            return True
    return False


def _product_models() -> list[type[m.Model]]:
    return [model for model in apps.get_models() if model.__module__.startswith("apps.")]


def test_every_tenant_owned_table_carries_the_organisation() -> None:
    missing, stale = [], []
    for model in _product_models():
        label = model._meta.label
        tenant = _reaches_organisation(model) and label not in SHARED
        direct = any(f.name == "organisation" and f.related_model is Organisation for f in _foreign_keys(model))
        if tenant and not direct and label not in CHILDREN:
            missing.append(label)
        if label in CHILDREN and (direct or not tenant):
            stale.append(label)
    assert not missing, f"tenant-owned tables without an organisation column (add one, or list why): {missing}"
    assert not stale, f"listed as exceptions but now carry the organisation or are not tenant data: {stale}"
    assert set(CHILDREN) | set(SHARED) <= {model._meta.label for model in _product_models()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["recommendations:history", "recommendations:portfolio", "accounts:members"])
def test_list_pages_filter_tenant_tables_by_the_organisation(name: str, buyer_client: Client) -> None:
    with capture_statements() as statements:
        assert buyer_client.get(reverse(name)).status_code == 200
    assert_pinned_to_one_organisation(statements)


def _parents(model: type[m.Model]) -> list[m.ForeignKey]:  # type: ignore[type-arg]
    """The foreign keys of ``model`` to another tenant table: the row's organisation must be the parent's."""
    return [
        f
        for f in _foreign_keys(model)
        if f.name != "organisation"
        and isinstance(f.related_model, type)
        and any(g.name == "organisation" and g.related_model is Organisation for g in _foreign_keys(f.related_model))
    ]


def _rows_and_strays(model: type[m.Model], parent: m.ForeignKey) -> tuple[int, int]:  # type: ignore[type-arg]
    rows = model._default_manager.filter(**{f"{parent.name}__isnull": False})
    return rows.count(), rows.exclude(organisation_id=m.F(f"{parent.name}__organisation_id")).count()


@pytest.fixture
def made_through_the_product(reference: Any, organisation: Organisation, buyer: Any, colleague: Any) -> None:
    """One of every child row, each made the way the product makes it: services, the upserts, the API's
    rate counter, the command that packs old answers, and the factories the tests use."""
    golden = reference.golden_cases.order_by("pk").first().answers
    compiled = compiled_playbook(reference)
    function = compiled.roles["function"]
    draft = questionnaire.start_assessment(
        organisation=organisation, user=buyer, title="Made", function=golden[function]
    )
    assert not questionnaire.record_answers(assessment=draft, values=golden, user=buyer).errors
    reviewer = Membership.objects.get(user=colleague)
    teamwork.set_stakeholder_roles(roles={reviewer: ["finance"]})
    section = next(s for s in compiled.sections if any(compiled.questions[q].kind == INTEGER for q in s.questions))
    number = next(q for q in section.questions if compiled.questions[q].kind == INTEGER and q in golden)
    answerer = Membership.objects.get(user=buyer)  # the second opinion comes from someone else
    teamwork.assign_sections(
        assessment=draft, assignments={section.code: answerer}, opinions={section.code: reviewer}, user=buyer
    )
    opinion = draft.second_opinions.get()
    assert not teamwork.give_second_opinion(opinion=opinion, values={number: golden[number] + 1}, user=colleague)
    teamwork.settle(opinion=opinion, question_code=number, keep_first=True, reason="Ours is measured.", user=buyer)
    rec = submit_and_recommend(assessment=draft, user=buyer)
    PackedAnswers.objects.all().delete()
    call_command("pack_answers", stdout=io.StringIO())
    record_flips(recommendation=rec)
    memo_store(recommendation=rec, pdf=b"%PDF-1.7 made")
    entry = ShortlistEntryFactory(shortlist=ShortlistFactory(recommendation=rec), vendor=VendorFactory())
    vendor_services.create_checklist(entry=entry)
    DiligenceItemFactory(entry=entry, owner=buyer, due_date=datetime.date(2026, 1, 1))
    assert announce_overdue_items(today=datetime.date(2026, 1, 2)) >= 1
    key, _ = create_api_key(organisation=organisation, user=buyer, name="made", scopes=["read"])
    count_call(api_key=key)


@pytest.mark.django_db
def test_every_child_row_carries_its_parents_organisation(made_through_the_product: None) -> None:
    """A database CHECK cannot see the parent row, so each child is compared with its parent by a query."""
    unmade, strays = [], []
    for model in _product_models():
        for parent in _parents(model):
            rows, stray = _rows_and_strays(model, parent)
            if rows == 0 and model._meta.label in FORMER_CHILDREN:
                unmade.append(model._meta.label)
            if stray:
                strays.append(f"{model._meta.label}.{parent.name}: {stray} of {rows}")
    assert not unmade, f"no row made, so nothing checked: {unmade}"
    assert not strays, f"rows whose organisation is not their parent's: {strays}"
