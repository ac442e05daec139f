"""A buyer in Switzerland, or elsewhere in Europe outside the EU and the EEA, holding inside information or
export-controlled data reads that its own law is not set out in full, with Switzerland's named (FinMIA Arts. 142
and 154; the Goods Control Act and Ordinance), and the EU Market Abuse Regulation's reach into third countries
(Art. 2(4)). Before (review 107) these buyers fell between the EU rules and the rules for buyers elsewhere."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
FRANKFURT = "Frankfurt corporate finance boutique"
DUAL_USE = "EU dual-use drawings: a German machine builder's CAD work"


@pytest.mark.parametrize("country", ["switzerland", "outside-eu"])
def test_inside_information_held_in_switzerland_or_outside_the_eu_reads_its_own_law_and_mars_reach(
    reference: Playbook, country: str
) -> None:
    ev = evaluated_case(reference, FRANKFURT, buyer_eu_country=country, home_market="other")
    assert "mnpi-europe-outside-eu" in fired_codes(ev) and "mnpi-elsewhere" not in fired_codes(ev)
    (risk,) = [r for r in ev.risks if r.rule == "mnpi-europe-outside-eu"]
    assert "FinMIA Arts. 142 and 154" in risk.mitigation and "MAR Art. 2(4)" in risk.mitigation


def test_a_german_boutique_reads_the_eu_rules_not_the_rule_for_europe_outside_the_eu(reference: Playbook) -> None:
    ev = evaluated_case(reference, FRANKFURT)
    assert not {"mnpi-europe-outside-eu", "export-controlled-europe-outside-eu"} & set(fired_codes(ev))


@pytest.mark.parametrize("country", ["switzerland", "outside-eu"])
def test_export_controlled_data_held_in_switzerland_reads_the_goods_control_act(
    reference: Playbook, country: str
) -> None:
    ev = evaluated_case(reference, DUAL_USE, buyer_eu_country=country, home_market="other")
    assert "export-controlled-europe-outside-eu" in fired_codes(ev)
    (risk,) = [r for r in ev.risks if r.rule == "export-controlled-europe-outside-eu"]
    assert risk.severity == "high" and "SR 946.202 and 946.202.1" in risk.mitigation
    assert any(c.rule == "export-controlled-europe-outside-eu" for c in ev.conditions)
    german = evaluated_case(reference, DUAL_USE)
    assert "export-controlled-europe-outside-eu" not in fired_codes(german)
