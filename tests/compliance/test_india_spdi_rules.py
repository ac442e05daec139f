"""A buyer in India handing personal data to a provider reads the law that binds it now, s. 43A of the Information
Technology Act and the SPDI Rules 2011, until s. 44(2) of the DPDP Act omits them on 13 May 2027 (review 54: every
Indian duty read "from 13 May 2027", as if nothing bound the contract signed today)."""

from __future__ import annotations

import pytest

from apps.compliance.models import Regime
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.compliance.test_stated_law import official
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
MUMBAI = "Mumbai consumer-goods company"
SPDI = "in-it-act-spdi"


def test_a_buyer_in_india_with_personal_data_reads_the_spdi_rules_beside_the_dpdp_act(reference: Playbook) -> None:
    ev = evaluated_case(reference, MUMBAI)
    assert {"dpdp", SPDI} <= set(ev.regime_codes)
    duties = obligations(ev, SPDI)
    assert duties["transfer-same-protection"][0] == "SPDI Rules 2011, r. 7"
    assert duties["security-practices"][0] == "SPDI Rules 2011, r. 8(1), (2) and (4); IT Act s. 43A"
    assert {c for _cite, _url, c in duties.values()} == {"weak"}
    assert all(official(url) for _cite, url, _c in duties.values())
    regime = next(r for r in ev.regimes if r.code == SPDI)
    assert (
        regime.effective_date == "2011-04-11"
        and "are given from secondary accounts of those texts" in regime.confidence_note
    )
    assert Regime.objects.get(code=SPDI).next_change_date.isoformat() == "2027-05-13"
    assert any(
        c.text.startswith("Until 13 May 2027, bind the provider to documented security practices")
        for c in ev.conditions
    )


def test_a_buyer_outside_india_or_one_with_no_personal_data_does_not(reference: Playbook) -> None:
    assert SPDI not in evaluated_case(reference, MUMBAI, data_categories=["none"]).regime_codes
    us = evaluated_case(reference, "Personal data: a US app's churn analytics on Indian and Californian customers")
    assert "dpdp" in us.regime_codes and SPDI not in us.regime_codes
