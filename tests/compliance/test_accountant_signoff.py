"""A CPA's or auditor's sign-off reads the AICPA Code and state accountancy laws for a US firm only; a firm elsewhere
(a UK accountancy practice) reads that its own professional body's rules apply and are not set out here. The tax
preparation rate risk names the in-house accountants' benchmark of the buyer's own market."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
CASE = "US hedge fund"


def test_a_us_firm_reads_the_aicpa_code_and_a_uk_firm_its_own_bodys_rules(reference: Playbook) -> None:
    us = evaluated_case(reference, CASE, licensed_signoff=["cpa"], signoff_capacity="yes")
    assert "cpa-signoff" in fired_codes(us) and "accountant-signoff-outside-us" not in fired_codes(us)
    uk = evaluated_case(
        reference, CASE, licensed_signoff=["cpa"], signoff_capacity="yes", buyer_location="uk", buyer_us_zone=None
    )
    assert "accountant-signoff-outside-us" in fired_codes(uk) and "cpa-signoff" not in fired_codes(uk)
    (risk,) = [r for r in uk.risks if r.rule == "accountant-signoff-outside-us"]
    assert "AICPA" not in risk.mitigation and "professional body's rules" in risk.mitigation


def test_the_tax_preparation_rate_risk_names_each_markets_benchmark(reference: Playbook) -> None:
    rule = reference.rules.get(code="tax-preparation-provider-rate")
    assert "US accountants'" not in rule.rationale
    for source in ("BLS OEWS SOC 13-2011", "ONS ASHE SOC 2020 2421", "Eurostat SES ISCO-08 241"):
        assert source in rule.rationale
