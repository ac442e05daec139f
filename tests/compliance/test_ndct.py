"""Clinical trial data work reads India's New Drugs and Clinical Trials Rules, 2019 when the sponsor is in India or
the trial's participants are: trial tasks transferred in writing to a clinical research organisation, its
registration with the Central Licensing Authority (CDSCO), and records open to CDSCO's inspectors, each cited and
marked secondary. A US sponsor whose trial does not run in India, and drug-safety work, do not read it."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
PUNE = "Pune drug maker"
US_BIOTECH = "US biotech: trial data management"
CDSCO = (
    "https://cdsco.gov.in/opencms/resources/UploadCDSCOWeb/2022/new_DC_rules/NEW%20DRUGS%20ANDctrS%20RULE,%202019.pdf"
)
CONDITION = "Transfer each trial task to the provider in writing and check its registration with India's Central"


def test_the_pune_drug_maker_reads_the_ndct_rules_with_their_citations(reference: Playbook) -> None:
    ev = evaluated_case(reference, PUNE)
    assert {"ndct-2019", "ich-gcp", "dpdp"} <= set(ev.regime_codes)
    assert "fda-part11" not in ev.regime_codes
    ndct = next(r for r in ev.regimes if r.code == "ndct-2019")
    assert ndct.confidence == "secondary" and "CDSCO" in ndct.summary
    assert [s["url"] for s in ndct.sources] == [CDSCO]
    found = obligations(ev, "ndct-2019")
    assert set(found) == {"transfer-in-writing", "cro-registration", "records-for-inspection"}
    assert found["transfer-in-writing"][0].startswith("New Drugs and Clinical Trials Rules, 2019, rule 2(1)")
    assert "Chapter VA" in found["cro-registration"][0]
    assert {url for _c, url, _k in found.values()} == {CDSCO}
    assert {kind for _c, _u, kind in found.values()} == {"secondary"}
    assert [c.text for c in ev.conditions].count(
        next(c.text for c in ev.conditions if c.text.startswith(CONDITION))
    ) == 1


@pytest.mark.parametrize(
    ("changes", "ndct"),
    [
        ({}, False),  # a US sponsor whose trial's participants are in the US
        ({"client_jurisdictions": ["us", "india"]}, True),  # the trial runs in India too
        ({"client_jurisdictions": ["us", "india"], "clinical_work": ["drug-safety"]}, False),
        ({"buyer_location": "india", "home_market": "other"}, True),  # an Indian sponsor
    ],
)
def test_who_reads_the_ndct_rules(reference: Playbook, changes: dict[str, object], ndct: bool) -> None:
    ev = evaluated_case(reference, US_BIOTECH, **changes)
    assert ("ndct-2019" in ev.regime_codes) is ndct
    assert any(c.text.startswith(CONDITION) for c in ev.conditions) is ndct


def test_an_indian_drug_makers_safety_screening_does_not_read_them(reference: Playbook) -> None:
    assert "ndct-2019" not in evaluated_case(reference, PUNE, clinical_work=["drug-safety"]).regime_codes
