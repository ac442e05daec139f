"""The memo's practice guidance is curated data: loaded from the reference JSON with its sources, edited by
curators in admin (and recorded in the audit trail), and frozen into each published playbook."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from apps.common.curators import GROUP
from apps.compliance.models import Guidance
from apps.playbooks.models import Playbook
from apps.playbooks.services import publish_playbook, start_draft

pytestmark = pytest.mark.django_db


def test_the_reference_guidance_is_loaded_each_item_with_a_source(reference: Playbook) -> None:
    kinds = set(Guidance.objects.values_list("kind", flat=True))
    assert kinds == {"clause", "pilot_threshold", "pilot_transition", "exit_step"}
    assert all(g.sources and g.sources[0]["title"] for g in Guidance.objects.all())
    transfer = Guidance.objects.get(code="exit-transfer-option")
    assert transfer.pricing_bases == ["setup_plus_hourly"]


def test_publishing_freezes_the_guidance_as_it_was(reference: Playbook) -> None:
    assert reference.definition is not None
    frozen = {g["code"]: g for g in reference.definition["catalogue"]["guidance"]}
    assert frozen["clause-people"]["text"].startswith("Key-personnel")
    Guidance.objects.filter(code="clause-people").update(text="Named key people, replaced within 30 days.")
    reference.refresh_from_db()
    assert reference.definition is not None
    assert reference.definition["catalogue"]["guidance"] == list(frozen.values())
    newer = publish_playbook(playbook=start_draft(playbook=reference))
    assert newer.definition is not None
    assert {g["code"]: g for g in newer.definition["catalogue"]["guidance"]}["clause-people"]["text"] == (
        "Named key people, replaced within 30 days."
    )


def test_a_curator_edits_guidance_in_admin_and_the_audit_trail_records_it(
    reference: Playbook, curator_client: Client
) -> None:
    clause = Guidance.objects.get(code="clause-breach-notice")
    url = reverse("admin:compliance_guidance_change", args=[clause.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(text="Notice within 24 hours.", sources='[{"title": "Curators", "url": ""}]')
    data.update(pricing_bases="[]", regimes="[]")
    assert curator_client.post(url, data).status_code == 302
    clause.refresh_from_db()
    assert clause.text == "Notice within 24 hours."
    assert clause.events.filter(pgh_label="update").exists()  # type: ignore[attr-defined]


def test_a_threshold_without_a_stop_condition_is_refused_with_a_message(
    reference: Playbook, curator_client: Client
) -> None:
    threshold = Guidance.objects.get(code="pilot-retention")
    url = reverse("admin:compliance_guidance_change", args=[threshold.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(stop_if="", sources='[{"title": "Zedtreeo"}]', pricing_bases='"bot"', regimes="[]")
    response = curator_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "A pilot threshold needs a" in page and "A list of codes" in page
    threshold.refresh_from_db()
    assert threshold.stop_if.startswith("Retention below 80%")


def test_curators_may_edit_guidance(reference: Playbook) -> None:
    codenames = set(Group.objects.get(name=GROUP).permissions.values_list("codename", flat=True))
    assert {"change_guidance", "add_guidance", "delete_guidance"} <= codenames
