"""A law firm holding a financial client's customer information is not a financial institution under the FTC's
Safeguards Rule (American Bar Association v. FTC, 430 F.3d 457 (D.C. Cir. 2005)): it reads no Part 314 duty nor the
FTC breach notice, but the limits on reusing and passing on what the client disclosed (12 CFR 1016.11(a)). A payment
company with the same data still reads the Safeguards Rule."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
FIRM = "AmLaw 200 firm: steady e-discovery review"
REUSE = "Keep your financial client's customer information to the purpose it gave it to you for"


def test_a_law_firm_with_its_clients_customer_records_reads_their_reuse_limits_not_the_safeguards_rule(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, FIRM, data_categories=["glba-financial"])
    assert "glba" not in ev.regime_codes
    (said,) = [c.text for c in ev.conditions if c.text.startswith(REUSE)]
    assert "(12 CFR 1016.11(a))" in said
    fired = next(f for f in ev.fired if f.code == "glba-law-firm-client-records")
    assert "430 F.3d 457" in fired.rationale


def test_a_payment_company_with_the_same_data_still_reads_the_safeguards_rule(reference: Playbook) -> None:
    ev = evaluated_case(reference, FIRM, data_categories=["glba-financial"], buyer_sector="payments")
    assert "glba" in ev.regime_codes
    assert not [c for c in ev.conditions if c.text.startswith(REUSE)]
