"""A bank in Mexico handing a provider its customers' data reads Mexico's banking secrecy (Ley de Instituciones de
Crédito, Art. 142, on the Cámara de Diputados' host), and is told by name that the CNBV's rules on contracting services
are not covered here, the CNBV's notice or approval staying open as a gate; a Mexican bank's work on no customer data,
a Mexican insurer and a US bank do not read the secrecy law. The rule for firms supervised elsewhere is named for the
places it leaves out, Canada and Singapore among them."""

from __future__ import annotations

import pytest

from apps.common.models import SourceHost
from apps.compliance.models import Regime
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
BANK = "Mexico City bank: financial analysis of its loan book"
LIC = "https://www.diputados.gob.mx/LeyesBiblio/pdf/LIC.pdf"
SECRECY = (
    "Settle with your counsel on what basis the provider's people may see your customers' banking information"
    " without breaking banking secrecy (Ley de Instituciones de Crédito, Art. 142), and bind them to it in writing,"
    " before the data moves"
)
CNBV_RISK = "The CNBV's rules on a bank contracting services (the Circular Única de Bancos) are not covered here"


def test_a_mexican_bank_reads_banking_secrecy_with_its_source(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)

    duties = obligations(ev, "mx-bank-secrecy")
    assert set(duties) == {"basis-for-access", "bind-to-secrecy", "keep-the-circle-small"}
    assert set(duties.values()) == {("Ley de Instituciones de Crédito, Art. 142", LIC, "secondary")}
    regime = next(r for r in ev.regimes if r.code == "mx-bank-secrecy")
    assert regime.confidence == "secondary" and [s["url"] for s in regime.sources] == [LIC]
    assert "(Art. 142)" in regime.summary
    assert Regime.objects.get(code="mx-bank-secrecy").penalties.endswith("(Art. 142).")
    assert [c.text for c in ev.conditions if c.rule == "mx-bank-secrecy-mexican-bank"] == [SECRECY]
    assert SourceHost.objects.get(host="diputados.gob.mx").kind == "official"


def test_a_mexican_bank_is_told_the_cnbvs_rules_by_name_not_a_generic_regulator(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)

    assert CNBV_RISK in {r.title for r in ev.risks if r.rule == "cnbv-mexican-bank"}
    assert [g.text for g in ev.gates] == ["whatever notice to, or approval from, the CNBV this outsourcing needs"]
    assert not [r for r in ev.risks if r.rule in ("regulated-elsewhere", "regulated-elsewhere-mexico")]
    assert ev.verdict == "conditional"


def test_a_mexican_banks_work_on_no_customer_data_reads_no_secrecy_but_the_cnbv_still_applies(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, BANK, data_categories=["none"])

    assert "mx-bank-secrecy" not in ev.regime_codes
    assert CNBV_RISK in {r.title for r in ev.risks}


def test_a_mexican_insurer_is_told_its_own_regulators_rules_and_no_bank_secrecy(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK, buyer_sector="insurer")

    assert "mx-bank-secrecy" not in ev.regime_codes
    assert [r.rule for r in ev.risks if "not covered here" in r.title and "regulator" in r.title] == [
        "regulated-elsewhere-mexico"
    ]
    assert CNBV_RISK not in {r.title for r in ev.risks}
    # The checklist settles the regulator's notice or approval itself, not only what it is (review 127: the gate was
    # in the verdict box, and the checklist said "confirm" alone).
    (settle,) = [c.text for c in ev.conditions if c.rule == "regulated-elsewhere-mexico"]
    assert settle.endswith("then give that notice or get that approval, with any objection settled, before signing")


def test_a_us_bank_reads_neither(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK, buyer_location="us", buyer_regulated_in="us", home_market="us")

    assert "mx-bank-secrecy" not in ev.regime_codes
    assert not [r for r in ev.risks if r.rule == "cnbv-mexican-bank"]


def test_the_rule_for_firms_supervised_elsewhere_is_named_for_all_it_leaves_out(reference: Playbook) -> None:
    rule = reference.rules.get(code="regulated-elsewhere")

    assert rule.name == "A regulated firm supervised outside the US, the UK, the EU, Australia, Canada and Singapore"
    assert "Canada" in rule.rationale and "Singapore" in rule.rationale
