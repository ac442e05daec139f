"""A bank in Brazil handing a provider its customers' data reads Brazil's banking secrecy law (Lei Complementar
105/2001 on Planalto) and, for KYC work, the central bank's AML/KYC rule (Circular BCB 3,978/2020), each duty with
its pinpoint; a Brazilian retailer, a US bank and a Brazilian bank's work on no customer data do not."""

from __future__ import annotations

import pytest

from apps.compliance.models import Regime
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
BANK = "São Paulo bank: KYC refresh reviews"
LC105 = "https://www.planalto.gov.br/ccivil_03/leis/lcp/lcp105.htm"
C3978 = "https://www.bcb.gov.br/estabilidadefinanceira/exibenormativo?tipo=Circular&numero=3978"


def test_a_brazilian_bank_reads_banking_secrecy_with_its_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)
    duties = obligations(ev, "br-bank-secrecy")
    assert duties["basis-for-access"][:2] == ("Lei Complementar 105/2001, Art. 1 caput and §3 V", LC105)
    assert duties["bind-to-secrecy"][:2] == ("Lei Complementar 105/2001, Arts. 1 and 10", LC105)
    assert {confidence for _c, _u, confidence in duties.values()} == {"secondary"}
    regime = next(r for r in ev.regimes if r.code == "br-bank-secrecy")
    assert Regime.objects.get(code="br-bank-secrecy").penalties.startswith("Breaking the secrecy")
    assert regime.sources[0]["url"] == LC105
    assert any("banking secrecy (Lei Complementar 105/2001)" in c.text for c in ev.conditions)


def test_a_brazilian_bank_outsourcing_kyc_reads_the_central_banks_aml_rule(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)
    duties = obligations(ev, "bcb-3978")
    assert duties["policy-covers-provider"][:2] == (
        "Circular BCB 3.978/2020, Art. 2 sole paragraph IV and Art. 3 I(a)",
        C3978,
    )
    assert duties["kyc-procedures"][:2] == ("Circular BCB 3.978/2020, Art. 13", C3978)
    assert {confidence for _c, _u, confidence in duties.values()} == {"secondary"}
    assert "The provider ends up classifying customers or deciding what is reported" in {r.title for r in ev.risks}
    assert {"bcb-4893", "lgpd"} <= set(ev.regime_codes)


def test_a_payment_institution_in_brazil_outsourcing_kyc_reads_the_aml_rule_but_not_bank_secrecy(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, BANK, buyer_sector="payments")
    assert "bcb-3978" in ev.regime_codes and "br-bank-secrecy" not in ev.regime_codes


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_sector": "other", "buyer_regulated_in": None},  # a Brazilian retailer
        {"buyer_location": "us", "buyer_regulated_in": "us", "home_market": "us"},  # a US bank
    ],
)
def test_others_read_neither(reference: Playbook, changes: dict[str, object]) -> None:
    codes = evaluated_case(reference, BANK, **changes).regime_codes
    assert "br-bank-secrecy" not in codes and "bcb-3978" not in codes


def test_a_brazilian_banks_other_work_without_customer_data_reads_neither(reference: Playbook) -> None:
    codes = evaluated_case(reference, BANK, function="financial-analysis", data_categories=["none"]).regime_codes
    assert "br-bank-secrecy" not in codes and "bcb-3978" not in codes
    assert "bcb-4893" in codes
