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


OWN_CENTRE = "UK bank: its own credit-analysis centre of 120, set up with no provider"


@pytest.mark.parametrize(
    ("changes", "provider_first"),
    [
        ({}, "critical-function-provider-first-uk"),
        ({"buyer_regulated_in": "eu"}, "critical-function-provider-first-eu"),
        ({"buyer_regulated_in": "eu", "buyer_sector": "insurer"}, "critical-function-provider-first-eu-insurer"),
        ({"buyer_regulated_in": "australia"}, "critical-function-provider-first-au"),
    ],
)
def test_a_critical_function_started_with_a_provider_before_an_own_centre_reads_both_notices(
    reference: Playbook, changes: dict[str, object], provider_first: str
) -> None:
    # Reviews 138 and 143: a bank planning its own centre and starting within 3 months is recommended a provider
    # first, and read only its own centre's notice: the provider it starts with is an outsourcing of its own.
    urgent = evaluated_case(reference, OWN_CENTRE, critical_function=True, start_within="one-to-three", **changes)
    assert urgent.models[0].code not in ("own-centre", "bot")  # a provider starts the work
    assert [c for c in urgent.conflicts if c.code == "start_within:own-centre"]
    own = {f.code for f in urgent.fired if "own-centre" in f.code and f.code.startswith("critical-function")}
    assert provider_first in {f.code for f in urgent.fired} and own
    (gate,) = [g for g in urgent.gates if g.rule == provider_first]
    assert "the provider you start with" in gate.text and gate.notice
    assert "A critical function depends on the provider you start with, before your own centre is ready" in {
        r.title for r in urgent.risks
    }
    # With time for the centre to launch first, no provider comes between: its own notice alone.
    later = evaluated_case(reference, OWN_CENTRE, critical_function=True, start_within="later", **changes)
    assert not [f for f in later.fired if f.code.startswith("critical-function-provider-first")]
    assert {f.code for f in later.fired if "own-centre" in f.code and f.code.startswith("critical-function")} == own
