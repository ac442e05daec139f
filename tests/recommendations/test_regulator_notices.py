"""Which regulator's rules a buyer is told about: a bank in Brazil reads the central bank's rule, not a notice that
its regulator is not covered; any other regulated firm in Brazil still reads that notice; the US state boards'
responsible-charge rule reaches only a team in the United States (or one that has not said where it is)."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
BANK = "São Paulo bank: KYC refresh reviews"
NOT_COVERED = "Your own regulator's outsourcing and data rules are not covered here"
RESPONSIBLE_CHARGE = "The sealing engineer must stay in responsible charge"
MEP = "US engineering firm: MEP design and BIM"


def risks(ev: Evaluation) -> set[str]:
    return {r.title for r in ev.risks}


def test_a_bank_in_brazil_is_gated_on_the_central_banks_rule_not_told_its_regulator_is_not_covered(
    reference: Playbook,
) -> None:
    bank = evaluated_case(reference, BANK)
    assert "bcb-4893" in {r.code for r in bank.regimes}
    assert NOT_COVERED not in risks(bank)
    assert bank.verdict == "conditional"
    assert any("Banco Central do Brasil" in g.text for g in bank.gates)

    insurer = evaluated_case(reference, BANK, buyer_sector="insurer")
    assert NOT_COVERED in risks(insurer) and "bcb-4893" not in {r.code for r in insurer.regimes}
    elsewhere = evaluated_case(reference, BANK, buyer_location="other")
    assert NOT_COVERED in risks(elsewhere)


@pytest.mark.parametrize("where", ["japan-korea", "india", "brazil", "mexico", "uk", "other"])
def test_the_us_responsible_charge_rule_is_not_shown_to_a_team_outside_the_us(reference: Playbook, where: str) -> None:
    assert RESPONSIBLE_CHARGE not in risks(evaluated_case(reference, MEP, buyer_location=where))


def test_the_us_responsible_charge_rule_is_shown_to_a_us_team_or_one_that_has_not_said(reference: Playbook) -> None:
    assert RESPONSIBLE_CHARGE in risks(evaluated_case(reference, MEP))
    assert RESPONSIBLE_CHARGE in risks(evaluated_case(reference, MEP, buyer_location=None))


def test_hipaa_read_as_triggered_says_so_when_the_buyer_is_not_sure_of_its_role(reference: Playbook) -> None:
    ev = evaluated_case(reference, "US hospital group", hipaa_role="unsure")
    hipaa = next(r for r in ev.regimes if r.code == "hipaa")
    assert any("or you are not sure it is" in name for name in hipaa.because)
