"""A US bank's KYC work reads the Bank Secrecy Act's duties (31 CFR Chapter X on eCFR): the provider inside the
bank's BSA/AML programme and customer identification program, beneficial owners verified, and suspicious activity
reports kept with the bank's own staff; an EU bank reads the EU rules instead, and a bank's other work neither."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
DUTCH_BANK = "KYC refresh: a Dutch bank's customer due diligence reviews"
US = {"buyer_regulated_in": "us", "buyer_location": "us", "home_market": "us", "client_jurisdictions": ["us"]}
ECFR = "https://www.ecfr.gov/current/title-31/section-"


def test_a_us_bank_outsourcing_kyc_reads_the_bank_secrecy_act_with_its_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, DUTCH_BANK, **US)
    assert "us-bsa-aml" in ev.regime_codes and "eu-aml-outsourcing" not in ev.regime_codes
    duties = obligations(ev, "us-bsa-aml")
    assert duties["programme-stays-the-banks"][:2] == ("31 CFR 1020.210", ECFR + "1020.210")
    assert duties["cip-procedures"][:2] == ("31 CFR 1020.220(a)(2)-(3)", ECFR + "1020.220")
    assert duties["beneficial-owners"][:2] == ("31 CFR 1010.230(b), (d)", ECFR + "1010.230")
    assert duties["sar-confidentiality"][:2] == ("31 CFR 1020.320(e)", ECFR + "1020.320")
    assert {confidence for _c, _u, confidence in duties.values()} == {"secondary"}
    assert any(c.text.startswith("Write the provider's tasks into your BSA/AML programme") for c in ev.conditions)
    assert "The provider ends up deciding customers' risk ratings, accounts or what is reported" in {
        r.title for r in ev.risks
    }


@pytest.mark.parametrize(
    "changes",
    [
        {},  # the Dutch bank itself: the EU rules
        {**US, "function": "financial-analysis"},  # a US bank's other work
        {**US, "buyer_sector": "insurer"},  # not a bank
    ],
)
def test_others_do_not_read_it(reference: Playbook, changes: dict[str, object]) -> None:
    assert "us-bsa-aml" not in evaluated_case(reference, DUTCH_BANK, **changes).regime_codes
