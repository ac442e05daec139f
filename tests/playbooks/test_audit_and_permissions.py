"""The audit trail (bulk updates included), conflicts on concurrent edits, and the curator group."""

from __future__ import annotations

import pghistory
import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.common.curators import GROUP, ensure_curator_group
from apps.engagements.models import KnowledgeFunction
from apps.playbooks.models import Playbook, Rule
from apps.playbooks.services import start_draft
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(reference: Playbook) -> None:
    """The reference data as ``load_reference_data`` leaves it, its audit trail's rows included."""


@pytest.fixture
def group_curator(catalogue: None) -> User:
    user = UserFactory(email="curie@kpo.test", is_staff=True)
    user.groups.add(ensure_curator_group())
    return user


@pytest.fixture
def group_curator_client(group_curator: User) -> Client:
    client = Client()
    client.force_login(group_curator)
    return client


def test_a_bulk_update_is_in_the_audit_trail_with_who_and_what(
    catalogue: None, curator: User, curator_client: Client
) -> None:
    with pghistory.context(user=curator.pk, url="/bulk-fix"):
        KnowledgeFunction.objects.filter(code__in=["actuarial", "patent-research"]).update(
            confidence_note="Reviewed in 2026."
        )
    actuarial = KnowledgeFunction.objects.get(code="actuarial")
    page = curator_client.get(
        reverse("admin:engagements_knowledgefunction_history", args=[actuarial.pk])
    ).content.decode()
    assert "curator@kpo.test" in page and "/bulk-fix" in page
    assert "confidence_note" in page and "Reviewed in 2026." in page


def test_an_admin_edit_is_recorded_with_the_curator(catalogue: None, curator_client: Client) -> None:
    function = KnowledgeFunction.objects.get(code="equity-research")
    url = reverse("admin:engagements_knowledgefunction_change", args=[function.pk])
    page = curator_client.get(url)
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(sources='[{"title": "Survey", "url": "https://example.test"}]', kpo_rate_high="36")
    data["_loaded_version"] = page.context["loaded_version"]
    assert curator_client.post(url, data).status_code == 302
    history = curator_client.get(
        reverse("admin:engagements_knowledgefunction_history", args=[function.pk])
    ).content.decode()
    assert "curator@kpo.test" in history and "kpo_rate_high" in history


def test_a_playbooks_history_shows_changes_to_its_parts(
    catalogue: None, curator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.common.admin import AuditedAdmin

    # Here the copy and the edit share one transaction, so one timestamp: all of the draft's events must fit
    # on the page for the edit to be among them (in use, an edit comes after the copy and is listed first).
    monkeypatch.setattr(AuditedAdmin, "history_events_limit", 10_000)
    draft = start_draft(playbook=Playbook.objects.get(version=1))
    Rule.objects.filter(playbook=draft).update(enabled=False)
    page = curator_client.get(reverse("admin:playbooks_playbook_history", args=[draft.pk])).content.decode()
    assert "update Rule" in page and "enabled" in page


def test_the_second_of_two_concurrent_edits_gets_a_conflict(catalogue: None, curator_client: Client) -> None:
    function = KnowledgeFunction.objects.get(code="legal-review")
    url = reverse("admin:engagements_knowledgefunction_change", args=[function.pk])
    first, second = curator_client.get(url), curator_client.get(url)  # two curators open the same page
    base = {k: v for k, v in first.context["adminform"].form.initial.items() if v is not None}
    base["sources"] = '[{"title": "Survey", "url": "https://example.test"}]'
    saved = curator_client.post(
        url, {**base, "summary": "First curator's text.", "_loaded_version": first.context["loaded_version"]}
    )
    assert saved.status_code == 302
    clash = curator_client.post(
        url, {**base, "summary": "Second curator's text.", "_loaded_version": second.context["loaded_version"]}
    )
    assert clash.status_code == 200
    assert "Someone else saved this knowledge function while you were editing it" in clash.content.decode()
    function.refresh_from_db()
    assert function.summary == "First curator's text."
    # Having seen the message, saving again (the form now carries the newer version) overwrites on purpose.
    again = curator_client.post(
        url, {**base, "summary": "Second curator's text.", "_loaded_version": clash.context["loaded_version"]}
    )
    assert again.status_code == 302
    function.refresh_from_db()
    assert function.summary == "Second curator's text."


def test_the_curator_group_has_exactly_the_curation_permissions(catalogue: None) -> None:
    group = ensure_curator_group()
    perms = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("playbooks", "change_rule") in perms and ("engagements", "change_knowledgefunction") in perms
    assert not any(app in {"accounts", "auth", "sessions", "questionnaire", "recommendations"} for app, _ in perms)
    assert group.name == GROUP


CURATED = [
    "engagements_engagementmodel", "engagements_knowledgefunction", "engagements_deliverylocation",
    "compliance_regime", "compliance_obligation", "playbooks_playbook", "playbooks_question", "playbooks_section",
    "playbooks_rule", "playbooks_goldencase", "pghistory_events", "vendors_vendor", "common_sourcehost",
    "compliance_guidance",
]  # fmt: skip


@pytest.mark.parametrize("name", CURATED)
def test_a_group_curator_reaches_every_curation_page(group_curator_client: Client, name: str) -> None:
    assert group_curator_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["accounts_user", "accounts_organisation", "accounts_membership", "auth_group", "recommendations_recommendation"],
)
def test_a_group_curator_cannot_reach_accounts_or_buyer_data(group_curator_client: Client, name: str) -> None:
    assert group_curator_client.get(reverse(f"admin:{name}_changelist")).status_code == 403


def test_every_registered_admin_is_either_curated_or_buyer_data_for_operators() -> None:
    names = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert set(CURATED) <= names
    operators_only = names - set(CURATED)
    # Buyer data, sign-in throttles and the background worker's task results: operators (superusers) only.
    operator_apps = ("accounts_", "auth_", "recommendations_", "django_tasks_database_")
    assert all(name.startswith(operator_apps) for name in operators_only), operators_only


def test_members_who_are_not_curators_cannot_reach_admin(buyer_client: Client) -> None:
    assert buyer_client.get(reverse("admin:playbooks_playbook_changelist")).status_code == 302


def test_a_changed_weight_is_in_its_rules_audit_trail(catalogue: None, curator: User, curator_client: Client) -> None:
    from apps.playbooks.models import Effect

    draft = start_draft(playbook=Playbook.objects.get(version=1))
    effect = Effect.objects.filter(rule__playbook=draft, kind="fit").select_related("rule").first()
    assert effect is not None
    with pghistory.context(user=curator.pk, url="/admin/playbooks/rule/"):
        Effect.objects.filter(pk=effect.pk).update(points=effect.points + 7)
    page = curator_client.get(reverse("admin:playbooks_rule_history", args=[effect.rule_id])).content.decode()
    assert "update Effect" in page and "<strong>points</strong>" in page and str(effect.points + 7) in page
    playbook_page = curator_client.get(reverse("admin:playbooks_playbook_history", args=[draft.pk])).content.decode()
    assert "insert" in playbook_page and "Rule rows" in playbook_page  # the copy's inserts, one line per kind
