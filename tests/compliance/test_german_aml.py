"""A German bank, payment or investment firm handing KYC work to a provider reads the Money Laundering Act until the
EU Regulation applies: due diligence by a third party under contract (GwG § 17(5)) as a condition, and the notice to
its supervisor before a provider runs its internal safeguards (GwG § 6(7)) as a notice gate (review 111: only the
Irish and Dutch laws were named)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
KYC = "KYC refresh: a Dutch bank's customer due diligence reviews"


def test_a_german_bank_reads_the_gwg(reference: Playbook) -> None:
    ev = evaluated_case(reference, KYC, buyer_eu_country="germany")
    assert "aml-outsourcing-germany" in fired_codes(ev)
    assert any("(GwG § 17(5))" in c.text for c in ev.conditions)
    [gate] = [g for g in ev.gates if "GwG § 6(7)" in g.text]
    assert gate.notice and "any prohibition it issues" in gate.text
    # Review 124: the checklist settles the notice too, not only the due diligence the rule's other condition sets.
    assert [c.text.endswith("(GwG § 6(7))") for c in ev.conditions if c.rule == "aml-outsourcing-germany"] == [
        False,
        True,
    ]
    obligations = [
        o for r in ev.regimes if r.code == "eu-aml-outsourcing" for _, _, items in r.obligations for o in items
    ]
    assert any("in Germany, the Geldwäschegesetz (GwG), §§ 6(7) and 17(5)" in o["action"] for o in obligations)


def test_a_dutch_bank_does_not(reference: Playbook) -> None:
    ev = evaluated_case(reference, KYC)
    assert "aml-outsourcing-germany" not in fired_codes(ev)
    assert not [g for g in ev.gates if "GwG" in g.text]


def test_an_eu_insurers_kyc_work_reads_the_aml_rules_for_life_business(reference: Playbook) -> None:
    # Review 127: a German insurer's KYC work read no AML rule at all, not even "not covered".
    for country in ("germany", "netherlands"):
        ev = evaluated_case(reference, KYC, buyer_sector="insurer", buyer_eu_country=country)
        (risk,) = [r for r in ev.risks if r.rule == "aml-outsourcing-not-covered-eu-insurer"]
        assert risk.title.startswith("If you write life insurance") and "Art. 3(2)(b)" in risk.mitigation
        assert "Regulation (EU) 2024/1624 Art. 18" in risk.mitigation and "GwG § 6(7)" in risk.mitigation
        assert "aml-outsourcing-eu" not in fired_codes(ev)
        # The checklist carries it too, for life business (review 130: in a risk's mitigation only).
        (settle,) = [c.text for c in ev.conditions if c.rule == "aml-outsourcing-not-covered-eu-insurer"]
        assert settle.startswith("If you write life or other investment-related insurance") and "GwG § 6(7)" in settle
    # A bank reads the rules set out for it, not this.
    assert "aml-outsourcing-not-covered-eu-insurer" not in fired_codes(evaluated_case(reference, KYC))
