"""The FTC Safeguards Rule reaches financial institutions under the FTC's jurisdiction (16 CFR 314.1(b)): a non-bank in
the US, supervised there, or serving clients there reads it; one abroad with no US tie does not (review 176: a Mexican
and a UK payment firm with no US customers read four of its duties and lost fit points for them)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
PAYMENTS = "US payment company: customer financial data under the FTC Safeguards Rule"
RULES = {"glba-customer-information", "glba-customer-information-us-regulated", "glba-customer-information-us-clients"}


def _glba(reference: Playbook, **changes: object) -> tuple[bool, set[str]]:
    ev = evaluated_case(reference, PAYMENTS, **changes)
    return "glba" in {r.code for r in ev.regimes}, fired_codes(ev) & RULES


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({}, "glba-customer-information"),
        ({"buyer_location": "mexico"}, "glba-customer-information-us-regulated"),
        ({"buyer_location": "uk", "buyer_regulated_in": "uk"}, "glba-customer-information-us-clients"),
        ({"buyer_location": "uk", "buyer_regulated_in": None}, "glba-customer-information-us-clients"),
    ],
)
def test_a_non_bank_with_a_us_tie_reads_the_rule_once(reference: Playbook, changes: dict, rule: str) -> None:
    assert _glba(reference, **changes) == (True, {rule})


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_location": "mexico", "buyer_regulated_in": "other", "client_jurisdictions": ["other"]},
        {"buyer_location": "uk", "buyer_regulated_in": "uk", "client_jurisdictions": ["uk", "eu"]},
    ],
)
def test_a_non_bank_abroad_with_no_us_tie_does_not(reference: Playbook, changes: dict) -> None:
    assert _glba(reference, **changes) == (False, set())


INSURER = "Insurer's customer financial data: state law, not the FTC rule"


@pytest.mark.parametrize(
    ("changes", "read"),
    [
        ({}, True),
        ({"buyer_location": "uk"}, True),  # supervised in the US
        ({"buyer_location": "uk", "buyer_regulated_in": "uk"}, True),  # clients in the US
        ({"buyer_location": "uk", "buyer_regulated_in": "uk", "client_jurisdictions": ["uk"]}, False),
        ({"buyer_location": "mexico", "buyer_regulated_in": "other", "client_jurisdictions": ["other"]}, False),
    ],
)
def test_an_insurer_reads_state_insurance_law_only_with_a_us_tie(
    reference: Playbook, changes: dict, read: bool
) -> None:
    # Review 179: a UK insurer with UK clients and a Mexican insurer read five duties under US state insurance law.
    ev = evaluated_case(reference, INSURER, **changes)
    assert ("glba-insurer" in {r.code for r in ev.regimes}) is read


@pytest.mark.parametrize(("registration", "ftc"), [("neither", True), ("adviser", False), ("broker-dealer", False)])
def test_a_us_investment_firm_not_registered_with_the_sec_reads_the_ftc_rule(
    reference: Playbook, registration: str, ftc: bool
) -> None:
    # Review 182: a firm registered as neither was told the FTC does not set its safeguards (15 U.S.C. 6805(a)(7)).
    ev = evaluated_case(
        reference,
        "US hedge fund: steady equity research support from a six-analyst team",
        sec_registration=registration,
        data_categories=["glba-financial"],
    )
    assert ("glba" in {r.code for r in ev.regimes}) is ftc
    own_regulator = [
        r for r in ev.risks if r.title == "Your customer-data safeguards are set by your own regulator, not the FTC"
    ]
    assert not own_regulator  # registered: the SEC's rule; neither: the FTC's, so the risk is for neither
