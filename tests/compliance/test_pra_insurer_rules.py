"""The PRA's outsourcing statement (SS2/21) applies to UK banks and insurers alike; the Rulebook's outsourcing rules
for Solvency II insurers (Conditions Governing Business 7) are a regime of their own, read by a UK insurer only. A UK
bank reads SS2/21 with no obligation that names insurers or Solvency II."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
UK_BANK = "UK bank: financial modelling for a critical function"
RULEBOOK = "https://www.prarulebook.co.uk/pra-rules/conditions-governing-business"


def shown_text(ev: object, code: str) -> str:
    """The regime's sources and obligations as shown (its summary names everyone the statement covers)."""
    regime = next(r for r in ev.regimes if r.code == code)  # type: ignore[attr-defined]
    parts = [s["title"] for s in regime.sources]
    parts += [f"{o['title']} {o['action']} {o['citation']}" for _p, _l, items in regime.obligations for o in items]
    return " ".join(parts)


@pytest.mark.parametrize("case", [UK_BANK, "UK bank: its own credit-analysis centre", "UK investment bank: M&A"])
def test_a_uk_bank_reads_no_insurer_only_obligation(reference: Playbook, case: str) -> None:
    ev = evaluated_case(reference, case)
    assert "pra-ss2-21" in ev.regime_codes and "pra-insurer-outsourcing" not in ev.regime_codes
    text = shown_text(ev, "pra-ss2-21")
    for word in ("insurer", "Solvency II", "Conditions Governing Business"):
        assert word not in text


def test_a_uk_insurer_reads_the_insurers_rules_beside_ss2_21(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_BANK, buyer_sector="insurer")
    assert {"pra-ss2-21", "pra-insurer-outsourcing"} <= set(ev.regime_codes)
    duties = obligations(ev, "pra-insurer-outsourcing")
    assert obligations(ev, "pra-insurer-notice")["notify-pra"][:2] == (
        "PRA Rulebook, Conditions Governing Business 7.3 (from Solvency II Directive Art. 49(3))",
        RULEBOOK,
    )
    assert "notify-pra" not in duties
    assert duties["outsourcing-conditions"][:2] == (
        "PRA Rulebook, Conditions Governing Business 7.1, 7.1A and 7.4",
        RULEBOOK,
    )
    assert "materiality" in obligations(ev, "pra-ss2-21")


@pytest.mark.parametrize("changes", [{"buyer_regulated_in": "eu"}, {"buyer_regulated_in": "us"}])
def test_an_insurer_regulated_elsewhere_does_not_read_them(reference: Playbook, changes: dict[str, object]) -> None:
    codes = evaluated_case(reference, UK_BANK, buyer_sector="insurer", **changes).regime_codes
    assert "pra-insurer-outsourcing" not in codes and "pra-insurer-notice" not in codes


def test_the_banks_notice_is_a_regime_a_uk_insurer_does_not_read(reference: Playbook) -> None:
    """The PRA is told of a bank's material outsourcing under the Rulebook's Outsourcing and Notifications Parts, and
    of an insurer's under Conditions Governing Business 7.3: each reads its own notice, not the other's."""
    bank = evaluated_case(reference, UK_BANK)
    assert "pra-bank-outsourcing" in bank.regime_codes
    assert obligations(bank, "pra-bank-outsourcing")["notify-pra"][:2] == (
        "PRA Rulebook, Outsourcing 2.1 and Notifications 2.3; SS2/21 ch. 5",
        "https://www.prarulebook.co.uk/pra-rules/outsourcing",
    )
    assert "notify-pra" not in obligations(bank, "pra-ss2-21")
    insurer = evaluated_case(reference, UK_BANK, buyer_sector="insurer")
    assert "pra-bank-outsourcing" not in insurer.regime_codes
    assert "bank" not in shown_text(insurer, "pra-ss2-21").lower().replace("bank of england", "")
    assert "notify-pra" in obligations(insurer, "pra-insurer-notice")


def test_a_bank_whose_work_is_not_critical_reads_no_notice(reference: Playbook) -> None:
    # Review 162: the notice was listed for work the bank said supports no critical or important function.
    ev = evaluated_case(reference, UK_BANK, critical_function=False)
    assert "pra-bank-outsourcing" not in ev.regime_codes and "pra-ss2-21" in ev.regime_codes


def test_an_insurer_whose_work_is_not_critical_reads_no_notice(reference: Playbook) -> None:
    # Review 162: the insurer's notice (CGB 7.3), titled for a critical or important function, was listed for work the
    # insurer said supports none; its other outsourcing rules still apply.
    ev = evaluated_case(reference, UK_BANK, buyer_sector="insurer", critical_function=False)
    assert "pra-insurer-notice" not in ev.regime_codes
    assert {"pra-insurer-outsourcing", "pra-ss2-21"} <= set(ev.regime_codes)
    assert set(obligations(ev, "pra-insurer-outsourcing")) == {"outsourcing-conditions"}
    critical = evaluated_case(reference, UK_BANK, buyer_sector="insurer", critical_function=True)
    assert {"pra-insurer-notice", "pra-insurer-outsourcing"} <= set(critical.regime_codes)
