"""A critical or important function outsourced reads its own regulator's rule: an EU insurer Solvency II Art. 49,
an EU bank the EBA guidelines, a UK firm the PRA and FCA texts, an Australian entity APRA's CPS 230; never another's
(the one rule before cited the EBA and PRA texts to every one of them, and said they bound Australian firms)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
DUTCH_BANK = "KYC refresh: a Dutch bank"
GATE = "the notice to your regulator of outsourcing a critical or important function and any objection it raises"
APRA_GATE = (
    "the notice to APRA before entering a material offshoring arrangement (CPS 230 para. 59), and any concern APRA "
    "raises on it"
)


@pytest.mark.parametrize(
    ("changes", "cites", "never"),
    [
        ({"buyer_sector": "insurer"}, "Directive 2009/138/EC Art. 49(2)-(3)", ("EBA/GL/2019/02", "PRA SS2/21")),
        ({}, "EBA/GL/2019/02", ("2009/138", "PRA SS2/21", "CPS 230")),
        ({"buyer_regulated_in": "uk"}, "PRA SS2/21", ("EBA/GL/2019/02", "2009/138", "CPS 230")),
        ({"buyer_regulated_in": "australia"}, "CPS 230", ("EBA/GL/2019/02", "PRA SS2/21", "2009/138")),
    ],
)
def test_a_critical_function_reads_its_own_regulators_rule(
    reference: Playbook, changes: dict[str, object], cites: str, never: tuple[str, ...]
) -> None:
    ev = evaluated_case(reference, DUTCH_BANK, critical_function=True, **changes)
    (rule,) = [f for f in ev.fired if f.code.startswith("critical-function-outsourcing")]
    assert cites in rule.rationale and not [n for n in never if n in rule.rationale]
    # APRA's in its own terms: a notice before offshoring, no objection step (review 136).
    gate = APRA_GATE if changes.get("buyer_regulated_in") == "australia" else GATE
    assert [g.text for g in ev.gates if g.rule == rule.code] == [gate]
    assert "A critical function depends on the provider" in {r.title for r in ev.risks}
