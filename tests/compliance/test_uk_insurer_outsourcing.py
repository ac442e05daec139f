"""A UK insurer outsourcing a critical function reads the PRA rule that binds insurers (Conditions Governing
Business 7.3, from Solvency II Art. 49(3)), set out apart from the PRA's outsourcing statement so that a bank never
reads it, and is not told that FCA SYSC 8.1.8R binds it: SYSC 8 applies to banks and investment firms, not insurers
(SYSC 1.1A.1G)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
UK_BANK = "UK bank: financial modelling for a critical function"


def pra_obligations(ev: Any, code: str) -> dict[str, Any]:
    regime = next(r for r in ev.regimes if r.code == code)
    return {o["code"]: o for _phase, _label, items in regime.obligations for o in items}


def test_an_insurer_is_given_the_insurers_notification_rule(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_BANK, buyer_sector="insurer")
    insurer = pra_obligations(ev, "pra-insurer-notice")["notify-pra"]
    assert insurer["citation"].startswith("PRA Rulebook, Conditions Governing Business 7.3")
    assert insurer["source_url"].startswith("https://www.prarulebook.co.uk/")
    assert insurer["title"].startswith("An insurer")
    assert "pra-ss2-21" in ev.regime_codes
    assert "fca-sysc8" not in ev.regime_codes


def test_no_rule_tells_an_insurer_that_sysc_8_binds_it(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_BANK, buyer_sector="insurer")
    cited = [f.rationale for f in ev.fired if "SYSC 8.1.8R" in f.rationale]
    assert cited
    for rationale in cited:
        assert "Conditions Governing Business 7" in rationale and "does not apply to insurers" in rationale
