"""DORA's notice before signing: an EU financial entity tells its supervisor in good time of a planned arrangement
for ICT services supporting a critical or important function (Art. 28(3), fourth subparagraph), a step of its own
beside the register of information and the yearly report of new arrangements, and a condition of the verdict."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
BANK = "EU bank: the same financial modelling, with the provider's analytics p"
NOTICE = (
    "Before signing: tell your supervisor of the planned arrangement for ICT services supporting a critical or "
    "important function, in good time (DORA Art. 28(3), fourth subparagraph)"
)


def _dora(ev: object) -> dict[str, tuple[str, str]]:
    regime = next(r for r in ev.regimes if r.code == "dora")  # type: ignore[attr-defined]
    return {o["code"]: (o["phase"], o["citation"]) for _p, _l, items in regime.obligations for o in items}


def test_a_critical_ict_arrangement_is_notified_before_signing(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK, critical_function=True)
    assert NOTICE in [c.text for c in ev.conditions]
    duties = _dora(ev)
    assert duties["notify-planned-arrangement"] == ("before_signing", "DORA Art. 28(3), fourth subparagraph")
    assert duties["register-of-information"][1] == "DORA Art. 28(3), first to third subparagraphs"


def test_an_arrangement_for_no_critical_function_carries_no_notice_condition(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK, critical_function=False)
    assert "dora" in ev.regime_codes
    assert NOTICE not in [c.text for c in ev.conditions]
