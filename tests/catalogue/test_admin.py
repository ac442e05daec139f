"""Every admin page loads for the curator; non-staff members cannot reach admin."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(reference: Playbook) -> None:
    """The reference catalogue (loaded with the reference playbook)."""


def _registered() -> list[tuple[str, str]]:
    return [(m._meta.app_label, m._meta.model_name or "") for m in admin.site._registry]


@pytest.mark.parametrize(("app", "model"), _registered())
def test_admin_changelist_add_and_change_pages_load(
    catalogue: None, curator_client: Client, buyer: object, app: str, model: str
) -> None:
    assert curator_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert curator_client.get(reverse(f"admin:{app}_{model}_changelist") + "?q=a").status_code == 200
    # The filters' "Show counts" link (the audit trail's answered 500: pghistory cannot count).
    assert curator_client.get(reverse(f"admin:{app}_{model}_changelist") + "?_facets=True").status_code == 200
    model_class = next(m for m in admin.site._registry if m._meta.model_name == model and m._meta.app_label == app)
    model_admin = admin.site._registry[model_class]
    add = curator_client.get(reverse(f"admin:{app}_{model}_add"))
    # Read-only admins (recommendations, the audit trail) refuse adding; the others offer the form.
    assert add.status_code == (200 if model_admin.has_add_permission(add.wsgi_request) else 403)
    obj = model_class._default_manager.first()
    if obj is not None:
        assert curator_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk])).status_code == 200


def test_admin_index_loads(curator_client: Client) -> None:
    assert curator_client.get(reverse("admin:index")).status_code == 200


def test_the_admin_list_names_its_editable_boxes_and_the_admin_carries_its_accessibility_fixes(
    catalogue: None, curator_client: Client
) -> None:
    page = curator_client.get(reverse("admin:engagements_engagementmodel_changelist")).content.decode()
    # Each row's display-order box has a name (Django gives list_editable inputs no <label>).
    boxes = re.findall(r"<input[^>]*name=\"form-\d+-display_order\"[^>]*>", page)
    assert boxes and all('aria-label="Display order"' in b for b in boxes)
    # Filter links big enough to tap (admin.css); the theme toggle named without JavaScript too.
    assert "/static/css/admin.css" in page
    assert '<button class="theme-toggle" title="Toggle theme">' in page


def test_members_cannot_reach_admin(buyer_client: Client) -> None:
    response = buyer_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_admin_shows_a_friendly_message_for_a_range_out_of_order(catalogue: None, curator_client: Client) -> None:
    from apps.engagements.models import EngagementModel

    captive = EngagementModel.objects.get(code="captive-team")
    url = reverse("admin:engagements_engagementmodel_change", args=[captive.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["sources"] = '[{"title": "x", "url": "https://example.test"}]'
    data.update(rate_low="70", rate_likely="45", rate_high="60")
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert "Hourly rate: &#x27;likely&#x27; must be at least &#x27;low&#x27;" in response.content.decode()
    captive.refresh_from_db()
    assert captive.rate_low == 30
