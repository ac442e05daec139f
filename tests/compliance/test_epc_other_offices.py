"""The EPC's novelty rule holds for an invention that may be filed as a European patent, wherever the buyer is; a
buyer filing at another office (a Japanese manufacturer's own) is told those rules are not set out here."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


def test_the_epc_rule_says_other_offices_novelty_rules_are_not_covered(reference: Playbook) -> None:
    rule = reference.rules.get(code="unfiled-inventions-epc-novelty")
    assert "wherever the buyer is" in rule.rationale
    assert "a Japanese or Korean buyer's own office's) are not set out here" in rule.rationale
