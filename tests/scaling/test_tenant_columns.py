"""Every tenant-owned table carries the organisation, as a distributed PostgreSQL (Citus) needs its distribution
column (docs/scaling.md). A table is tenant-owned when its foreign keys lead to an organisation; it must have an
``organisation`` column itself, or be listed below with the reason it does not (yet).

Queries filtering by it: every page that takes an object's id looks it up through ``get_for_member`` (the
organisation filter), which the isolation walk over every URL checks (tests/security/test_isolation.py:
``test_every_url_with_an_id_has_an_isolation_case`` fails for a new URL without a case); the lists (history,
portfolio, members) filter by ``request.organisation``, which the second test below checks by their SQL."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db import models as m
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Organisation

# Child rows whose parent carries the organisation: always reached through the parent (which the views scope),
# and keyed by it. On Citus each gets the column before distribution (a column, a backfill from the parent,
# and the parent's key extended by it), or the parent's key is the distribution key's co-located twin.
CHILDREN = {
    "recommendations.Memo": "the decision memo's PDF of one recommendation, keyed by it",
    "recommendations.FlipRecord": "what would flip one recommendation, keyed by it",
    "recommendations.PackedAnswers": "one recommendation's answers packed for re-scoring, keyed by it",
    "questionnaire.Answer": "one per (assessment, question), read and written only through its assessment",
    "vendors.ShortlistEntry": "a row of a shortlist, which carries the organisation",
    "vendors.DiligenceItem": "an item of a shortlist entry",
    "teamwork.StakeholderRole": "a role of a membership, which carries the organisation",
    "teamwork.SectionAssignment": "a section of an assessment assigned to a member",
    "teamwork.SecondOpinion": "a second opinion on an assessment",
    "teamwork.SecondOpinionAnswer": "an answer of a second opinion",
    "teamwork.Settlement": "the owner's settlement of a second opinion's difference",
    "discussion.OverdueNotice": "a once-per-due-date marker of a due-diligence item",
    "api.RateCounter": "calls per minute of an API key, which carries the organisation",
}
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
    tenant_tables = {
        model._meta.db_table
        for model in _product_models()
        if any(f.name == "organisation" for f in _foreign_keys(model)) and model._meta.label != "accounts.Membership"
    }
    with CaptureQueriesContext(connection) as queries:
        assert buyer_client.get(reverse(name)).status_code == 200
    for query in queries.captured_queries:
        sql = query["sql"]
        main = sql.partition(" FROM ")[2].split(" ", 1)[0].strip('"')
        if sql.startswith("SELECT") and main in tenant_tables:
            assert '"organisation_id" =' in sql, sql
