"""Health data about care given in the UAE stays in the UAE unless the health authority's decisions make an exception
(Federal Law No. 2 of 2019, Art. 13; Ministerial Resolution No. 51 of 2021): a buyer in the UAE handing a provider
abroad health data reads a high risk and a gate for the exception (review 118: a UAE healthcare provider read a plain
"KPO wins"). A buyer in Oman does not; one stored before the country was asked reads the risk to check."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_answers, fired_codes

pytestmark = pytest.mark.django_db
DUBAI_CODING = {
    "function": "medical-coding",
    "work_nature": "rules-based",
    "codifiability": "high",
    "quality_measurable": "objective",
    "process_documented": "documented",
    "buyer_sector": "healthcare",
    "buyer_regulated_in": "other",
    "core_differentiator": "commodity",
    "ip_sensitivity": "low",
    "asset_specificity": "low",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 10000,
    "team_size": 5,
    "horizon": 3,
    "delivery_ownership": "provider-team",
    "mgmt_hours": 2,
    "prior_outsourcing": "none",
    "pilot_possible": True,
    "client_jurisdictions": ["other"],
    "data_categories": ["phi", "other-personal"],
    "phi_deidentify": False,
    "data_onshore_only": False,
    "buyer_location": "gulf",
    "buyer_gulf_country": "uae",
    "overlap_hours": 2,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "home_market": "other",
    "vendor_assurance": ["none"],
    "preferred_region": "no-preference",
}
LAW = "Federal Law No. 2 of 2019 on the Use of Information and Communications Technology in Health Fields, Art. 13"


def test_a_buyer_in_the_uae_handing_over_health_data_waits_on_the_health_authoritys_exception(
    reference: Playbook,
) -> None:
    ev = evaluated_answers(reference, DUBAI_CODING)

    assert ev.verdict == "conditional"
    (gate,) = [g for g in ev.gates if g.rule == "uae-health-data-localisation"]
    assert LAW in gate.text and "Ministerial Resolution No. 51 of 2021" in gate.text
    (risk,) = [r for r in ev.risks if r.rule == "uae-health-data-localisation"]
    assert risk.severity == "high" and LAW in risk.mitigation
    # A regime with its obligations, sourced and marked weak, so they reach the obligations export (review 121).
    assert "uae-health-data" in ev.regime_codes
    assert obligations(ev, "uae-health-data")["exception-confirmed"] == (
        "Federal Law No. 2 of 2019, Art. 13; Ministerial Resolution No. 51 of 2021",
        "https://uaelegislation.gov.ae/en",
        "weak",
    )


@pytest.mark.parametrize(
    ("changes", "risk_to_check"),
    [
        ({"buyer_gulf_country": "oman"}, False),
        ({"data_categories": ["other-personal"]}, False),
        ({"buyer_gulf_country": None}, True),
        # Review 121: US patients' records, and data de-identified before it moves, are not health data about care
        # given in the UAE.
        ({"client_jurisdictions": ["us"]}, False),
        ({"phi_deidentify": True}, False),
    ],
    ids=["oman", "no-health-data", "not-said", "us-patients", "de-identified"],
)
def test_others_do_not_wait_on_it(reference: Playbook, changes: dict[str, object], risk_to_check: bool) -> None:
    ev = evaluated_answers(reference, {**DUBAI_CODING, **changes})

    assert "uae-health-data-localisation" not in fired_codes(ev)
    assert ("uae-health-data-localisation-unsure" in fired_codes(ev)) is risk_to_check
