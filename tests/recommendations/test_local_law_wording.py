"""A regime of a delivery location's own law (India's DPDP Act for data processed in India) is triggered only when
the work is delivered from there: the rules that name it say so in their effects, and never read as having
triggered it when it is not among the result's regimes."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
DELIVERY_RULE = "dpdp-india-delivery"


def effects(ev: Any, rule: str) -> tuple[str, ...]:
    return next(r.effects for r in ev.fired if r.code == rule)


def test_a_rule_naming_indias_law_does_not_read_as_triggering_it_when_the_work_is_delivered_elsewhere(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, "UK buyer: financial analysis for a UK retailer")
    assert ev.delivered_from != "india" and "dpdp" not in ev.regime_codes
    words = effects(ev, DELIVERY_RULE)
    assert not [w for w in words if w.startswith("triggers")]
    assert "India +0" not in words
    assert any("only if the work is delivered from India" in w for w in words)


def test_delivered_from_india_the_rule_says_it_triggers_the_act(reference: Playbook) -> None:
    ev = evaluated_case(
        reference,
        "New York company: FP&A",
        overlap_hours=0,
        overnight_turnaround=True,
        data_categories=["california-personal"],
    )
    assert ev.delivered_from == "india" and "dpdp-foreign-data" in ev.regime_codes
    assert any(w.startswith("triggers India") and "delivered from India" in w for w in effects(ev, DELIVERY_RULE))
