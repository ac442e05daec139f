"""Kept current: effective and last-reviewed dates, the due-for-review list, and 'mark reviewed' in the audit trail."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from apps.accounts.models import User
from apps.compliance.models import Obligation, Regime
from tests.factories import ObligationFactory, RegimeFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    """The product's today, read when a test runs (not when the module is imported: a run may cross midnight)."""
    return timezone.localdate()


DAY = datetime.timedelta(days=1)


@pytest.fixture
def regimes() -> dict[str, Regime]:
    return {
        "fresh": RegimeFactory(code="fresh", last_reviewed=today() - 30 * DAY),
        "never": RegimeFactory(code="never", last_reviewed=None),
        "stale": RegimeFactory(code="stale", last_reviewed=today() - 366 * DAY),
        "changed": RegimeFactory(code="changed", last_reviewed=today() - 90 * DAY, next_change_date=today() - DAY),
        "change-ahead": RegimeFactory(
            code="change-ahead", last_reviewed=today() - 90 * DAY, next_change_date=today() + DAY
        ),
        "reviewed-after-change": RegimeFactory(
            code="reviewed-after-change", last_reviewed=today() - 5 * DAY, next_change_date=today() - 10 * DAY
        ),
    }


def test_due_for_review_is_unreviewed_stale_or_past_a_known_change(regimes: dict[str, Regime]) -> None:
    due = set(Regime.objects.due_for_review(today()).values_list("code", flat=True))
    assert due == {"never", "stale", "changed"}
    assert {code for code, r in regimes.items() if r.review_due(today())} == due


def test_curators_get_the_due_for_review_list_in_admin(regimes: dict[str, Regime], curator_client: Client) -> None:
    page = curator_client.get(reverse("admin:compliance_regime_changelist"), {"review": "due"}).content.decode()
    listed = {code for code in regimes if f">{regimes[code].name}<" in page}
    assert listed == {"never", "stale", "changed"}


def test_mark_reviewed_is_an_admin_action_recorded_in_the_audit_trail(
    regimes: dict[str, Regime], curator: User, curator_client: Client
) -> None:
    stale = regimes["stale"]
    obligation = ObligationFactory(regime=stale, last_reviewed=None)
    response = curator_client.post(
        reverse("admin:compliance_regime_changelist"),
        {"action": "mark_reviewed_today", "_selected_action": [stale.pk]},
    )
    assert response.status_code == 302
    stale.refresh_from_db()
    obligation.refresh_from_db()
    assert stale.last_reviewed == today() and obligation.last_reviewed == today()
    assert Regime.objects.get(code="never").last_reviewed is None  # only the selected regime
    event = Events.objects.tracks(stale).filter(pgh_label="update").latest("pgh_created_at")
    assert event.pgh_diff["last_reviewed"] == [str(today() - 366 * DAY), str(today())]
    assert event.pgh_context["user"] == curator.pk and event.pgh_context["action"] == "mark reviewed"
    history = curator_client.get(reverse("admin:compliance_regime_history", args=[stale.pk])).content.decode()
    assert "last_reviewed" in history and curator.email in history


def test_obligations_can_be_marked_reviewed_on_their_own(curator_client: Client) -> None:
    obligation = ObligationFactory(last_reviewed=today() - 400 * DAY)
    assert Obligation.objects.due_for_review(today()).count() == 1
    curator_client.post(
        reverse("admin:compliance_obligation_changelist"),
        {"action": "mark_reviewed_today", "_selected_action": [obligation.pk]},
    )
    assert not Obligation.objects.due_for_review(today()).exists()


def test_viewers_without_change_permission_cannot_mark_reviewed(
    regimes: dict[str, Regime], buyer_client: Client
) -> None:
    buyer_client.post(
        reverse("admin:compliance_regime_changelist"),
        {"action": "mark_reviewed_today", "_selected_action": [regimes["stale"].pk]},
    )
    regimes["stale"].refresh_from_db()
    assert regimes["stale"].last_reviewed == today() - 366 * DAY


def test_the_regime_page_shows_effective_and_reviewed_dates(buyer_client: Client) -> None:
    regime = RegimeFactory(
        code="dora", effective_date=datetime.date(2025, 1, 17), last_reviewed=datetime.date(2026, 11, 2)
    )
    ObligationFactory(
        regime=regime, effective_date=datetime.date(2025, 1, 17), last_reviewed=datetime.date(2026, 11, 2)
    )
    page = buyer_client.get(reverse("compliance:regime_detail", args=["dora"])).content.decode()
    assert "17 Jan 2025" in page and "2 Nov 2026" in page
    listing = buyer_client.get(reverse("compliance:regimes")).content.decode()
    assert "In force since 17 Jan 2025 · last reviewed 2 Nov 2026" in listing


def test_reference_data_fills_both_dates_and_a_review_in_admin_survives_a_reload() -> None:
    call_command("load_reference_data", stdout=StringIO())
    assert not Regime.objects.filter(effective_date__isnull=True).exists()
    assert not Obligation.objects.filter(effective_date__isnull=True).exists()
    assert not Regime.objects.filter(last_reviewed__isnull=True).exists()
    later = datetime.date(2099, 1, 1)
    Regime.objects.filter(code="dora").update(last_reviewed=later)
    call_command("load_reference_data", stdout=StringIO())
    assert Regime.objects.get(code="dora").last_reviewed == later
