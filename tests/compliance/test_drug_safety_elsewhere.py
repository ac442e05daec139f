"""A drug maker outside the US and the EU (with Switzerland) is told its own medicines regulator's pharmacovigilance
rules are not covered, naming Japan's and the UK's, instead of reading nothing about its safety cases."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
SWISS = "Swiss drug maker: drug-safety"
TITLE = "Your own medicines regulator's pharmacovigilance rules are not covered here"
TOKYO: dict[str, Any] = {
    "buyer_location": "japan-korea",
    "buyer_eu_country": None,
    "home_market": "other",
    "client_jurisdictions": ["other", "eu"],
    "data_categories": ["other-personal", "eu-personal"],
}


def test_a_japanese_drug_maker_is_told_its_own_rules_are_not_covered(reference: Playbook) -> None:
    ev = evaluated_case(reference, SWISS, **TOKYO)
    [risk] = [r for r in ev.risks if r.title == TITLE]
    assert risk.rule == "drug-safety-elsewhere" and risk.severity == "medium"
    assert "the PMD Act and the GVP Ministerial Ordinance" in risk.mitigation
    assert "Human Medicines Regulations 2012, Part 11" in risk.mitigation
    # Its EU patients still read EU pharmacovigilance law.
    assert "drug-safety-eu-pv-patients" in {f.code for f in ev.fired}


def test_a_drug_maker_whose_rules_are_set_out_is_not_told_so(reference: Playbook) -> None:
    assert TITLE not in {r.title for r in evaluated_case(reference, SWISS).risks}
