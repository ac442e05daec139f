"""An SEC-registered adviser or broker-dealer sharing customers' non-public personal information reads Regulation S-P
set out in full (17 CFR 248.30, as amended in 2024): the provider's oversight with a 72-hour breach notice, the
incident response programme and the 30-day notice to affected customers; not a one-line pointer."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CUSTOMER_DATA = "Insurer's customer financial data"
ECFR = "https://www.ecfr.gov/current/title-17/section-248.30"


@pytest.mark.parametrize("registration", ["adviser", "broker-dealer", "both"])
def test_an_sec_registrant_reads_regulation_s_p_with_its_pinpoints(reference: Playbook, registration: str) -> None:
    ev = evaluated_case(
        reference, CUSTOMER_DATA, buyer_sector="investment-firm", sec_registration=registration, buyer_regulated_in="us"
    )
    assert "us-reg-sp" in ev.regime_codes and not {"glba", "glba-insurer"} & set(ev.regime_codes)
    duties = obligations(ev, "us-reg-sp")
    assert duties["service-provider-oversight"] == ("17 CFR 248.30(a)(5)", ECFR, "secondary")
    assert duties["incident-response-covers-provider"][0] == "17 CFR 248.30(a)(3)"
    assert duties["notify-affected-customers"][0] == "17 CFR 248.30(a)(4)"
    regime = next(r for r in ev.regimes if r.code == "us-reg-sp")
    assert "no later than 72 hours" in regime.summary and "no later than 30 days" in regime.summary
    # The pointer the rule once gave is not said beside it.
    assert "glba-functional-regulator" not in {r.rule for r in ev.risks}
    (condition,) = [c.text for c in ev.conditions if c.rule == "reg-sp-customer-information"]
    assert condition.endswith("within 72 hours (17 CFR 248.30(a)(5))")


def test_a_firm_not_registered_with_the_sec_and_a_health_plan_keep_the_pointer(reference: Playbook) -> None:
    neither = evaluated_case(
        reference, CUSTOMER_DATA, buyer_sector="investment-firm", sec_registration="neither", buyer_regulated_in="us"
    )
    health_plan = evaluated_case(reference, CUSTOMER_DATA, buyer_sector="healthcare")
    for ev in (neither, health_plan):
        assert "us-reg-sp" not in ev.regime_codes
    assert "glba-functional-regulator" in {r.rule for r in health_plan.risks}
    # Review 182: a firm registered with the SEC as neither falls to the FTC (15 U.S.C. 6805(a)(7)), not the pointer.
    assert "glba" in neither.regime_codes and "glba-functional-regulator" not in {r.rule for r in neither.risks}
