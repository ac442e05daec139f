"""A buyer who wants people working under its own direction but has no management time to give them is asked to
find the time, or to buy a managed service, before staff augmentation is recommended to it on conditions."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db

RULE = "staff-augmentation-without-management-time"


def test_staff_augmentation_with_no_management_time_asks_for_the_time_or_a_managed_service(reference: Playbook) -> None:
    ev = evaluated_case(reference, "UK fintech: two data scientists", mgmt_hours=0)
    assert ev.models[0].code == "staff-augmentation"
    [condition] = [c for c in ev.conditions if c.rule == RULE]
    assert condition.text.startswith("Free at least 2 hours a week of a manager's time for each person")
    assert "or buy the work as a managed service instead" in condition.text
    # With the time to give, or with another model recommended, nothing is asked.
    assert RULE not in {c.rule for c in evaluated_case(reference, "UK fintech: two data scientists").conditions}
    managed = evaluated_case(
        reference, "UK fintech: two data scientists", mgmt_hours=0, delivery_ownership="provider-outcome"
    )
    assert RULE not in {c.rule for c in managed.conditions}
