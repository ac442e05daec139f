"""A bank in France handing customer information to a provider reads French banking secrecy (art. L. 511-33 CMF):
the disclosure fits the exception for contracts entrusting important operational functions, or the customers allow
it, and the provider is bound to confidentiality (a condition, not a gate). A French bank or payment institution also
reads the outsourcing articles of the arrêté of 3 November 2014 on internal control. A German, a Dutch and a US bank
read neither."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import SourceHost
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
BANK = "KYC refresh: a French bank's customer due diligence reviews"
CMF = "https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000006072026/LEGISCTA000006170527/"
ARR = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029700770/"
FRENCH = ("fr-cmf-bank-secrecy", "fr-arrete-2014-outsourcing")
SECRECY = (
    "Before customer information covered by banking secrecy reaches the provider, make sure the contract entrusts it"
    " with important operational functions, so the disclosure falls within art. L. 511-33 I, 6° of the Code monétaire"
    " et financier, or that each customer concerned has expressly allowed it, and bind the provider to keep the"
    " information confidential"
)


def test_a_french_banks_kyc_work_reads_banking_secrecy_with_its_pinpoints(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)

    assert set(FRENCH) <= set(ev.regime_codes)
    duties = obligations(ev, "fr-cmf-bank-secrecy")
    assert duties["important-operational-functions"] == ("Art. L. 511-33 I, third paragraph, 6° CMF", CMF, "secondary")
    assert duties["bind-to-confidentiality"][:2] == ("Art. L. 511-33 I CMF", CMF)
    regime = next(r for r in ev.regimes if r.code == "fr-cmf-bank-secrecy")
    assert "important operational functions" in regime.summary and regime.confidence == "secondary"
    assert {phase for phase, _label, _items in regime.obligations} == {"before_signing", "in_contract", "during"}
    assert [s["url"] for s in regime.sources] == [CMF]


def test_a_french_bank_reads_the_arretes_outsourcing_articles(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)

    duties = obligations(ev, "fr-arrete-2014-outsourcing")
    assert duties["risk-assessment"] == ("Arrêté du 3 novembre 2014, art. 238 a)", ARR, "secondary")
    assert duties["written-contract"][0] == "Arrêté du 3 novembre 2014, art. 238 b), d)"
    assert duties["authorised-provider"][0] == "Arrêté du 3 novembre 2014, art. 231"
    assert duties["register-and-report"][0] == "Arrêté du 3 novembre 2014, arts. 232, 238"
    regime = next(r for r in ev.regimes if r.code == "fr-arrete-2014-outsourcing")
    assert "once a year" in regime.summary and [s["url"] for s in regime.sources] == [ARR]


def test_banking_secrecy_is_a_condition_and_the_gates_are_the_dutch_banks(reference: Playbook) -> None:
    french = evaluated_case(reference, BANK)
    dutch = evaluated_case(reference, BANK, buyer_eu_country="netherlands")

    assert [c.text for c in french.conditions if c.rule == "fr-bank-secrecy"] == [SECRECY]
    assert [g.rule for g in french.gates] == [g.rule for g in dutch.gates]
    assert french.verdict == dutch.verdict == "conditional"
    assert not [c for c in french.fit_contributions if c.rule in ("fr-bank-secrecy", "fr-bank-outsourcing")]


def test_a_french_bank_handing_over_no_customer_information_reads_the_arrete_but_not_secrecy(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, BANK, data_categories=["none"], client_jurisdictions=["eu"])

    assert "fr-arrete-2014-outsourcing" in ev.regime_codes and "fr-cmf-bank-secrecy" not in ev.regime_codes
    assert not [c for c in ev.conditions if c.rule == "fr-bank-secrecy"]


def test_a_french_payment_institution_reads_the_arrete_but_not_bank_secrecy(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK, buyer_sector="payments")

    assert "fr-arrete-2014-outsourcing" in ev.regime_codes and "fr-cmf-bank-secrecy" not in ev.regime_codes


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_eu_country": "germany"},
        {"buyer_eu_country": "netherlands"},
        {"buyer_location": "us", "buyer_regulated_in": "us", "home_market": "us", "buyer_eu_country": None},
        {"buyer_sector": "insurer"},
    ],
    ids=["german-bank", "dutch-bank", "us-bank", "french-insurer"],
)
def test_other_buyers_read_neither_french_text(reference: Playbook, changes: dict[str, Any]) -> None:
    ev = evaluated_case(reference, BANK, **changes)

    assert not set(FRENCH) & set(ev.regime_codes)
    assert not [c for c in ev.conditions if c.rule == "fr-bank-secrecy"]


def test_legifrance_is_an_official_host(reference: Playbook) -> None:
    assert SourceHost.objects.get(host="legifrance.gouv.fr").kind == "official"
