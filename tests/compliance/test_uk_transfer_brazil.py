"""Brazil is not on the UK's adequacy list (its EU adequacy decision does not reach the UK GDPR): delivery from there
of UK personal data takes the IDTA or the UK Addendum, so it loses the same points as every other such location."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


def test_brazil_loses_the_uk_transfer_points_as_the_other_non_adequate_locations_do(reference: Playbook) -> None:
    # The points are a buyer's in the UK or the EU (their own rule); the transfer risks everyone's.
    rule = reference.rules.get(code="uk-gdpr-uk-personal-data")
    placed = reference.rules.get(code="uk-gdpr-uk-personal-data-delivered-from")
    points = {e.location.code: e.points for e in placed.effects.filter(kind="location").select_related("location")}
    risked = {e.location.code for e in rule.effects.filter(kind="risk").select_related("location")}
    assert points["brazil"] == -5
    assert {code for code, p in points.items() if p < 0} == risked
