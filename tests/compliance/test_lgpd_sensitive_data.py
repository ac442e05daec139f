"""Health information about people in Brazil is sensitive data under the LGPD (Art. 5(II)): the buyer reads what it
settles beyond the ordinary transfer and processor terms (the Art. 11 ground, the impact report of Art. 38, no use
of the data for the provider's own ends, Art. 11 §4), each duty with its official source, once, whichever of the two
rules brings it; health data elsewhere, or Brazilian data without health data, does not bring it."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import RETAILER, obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
HOSPITAL = "São Paulo hospital group: coding audit of its patients' records"
RULES = {"lgpd-health-data-people-in-brazil", "lgpd-health-data-brazilian-buyer"}
LAW = "https://www.planalto.gov.br/ccivil_03/_ato2015-2018/2018/lei/l13709.htm"


def fired(ev: Evaluation) -> list[str]:
    return [r.code for r in ev.fired if r.code in RULES]


def test_a_hospital_in_brazil_reads_the_sensitive_data_duties_with_their_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, HOSPITAL)
    assert {"lgpd", "lgpd-sensitive-data"} <= set(ev.regime_codes)
    assert "hipaa" not in ev.regime_codes
    duties = obligations(ev, "lgpd-sensitive-data")
    assert duties["sensitive-ground"][:2] == ("LGPD Arts. 5(II), 11(I)-(II)", LAW)
    assert duties["impact-report"][0] == "LGPD Arts. 5(XVII), 38"
    assert duties["no-own-use-of-health-data"][0] == "LGPD Arts. 11 §§4-5, 39"
    # Not read against the official text from here: marked as such, never as primary.
    assert {confidence for _c, _u, confidence in duties.values()} == {"secondary"}
    assert fired(ev) == ["lgpd-health-data-brazilian-buyer"]
    assert [c.text for c in ev.conditions if c.rule in RULES] == [
        "Before health information about people in Brazil reaches the team: the LGPD Art. 11 ground for it named, "
        "the data protection impact report written, and the provider bound never to use the data for its own ends"
    ]


def test_health_data_costs_the_fit_what_settling_its_ground_takes(reference: Playbook) -> None:
    ev = evaluated_case(reference, HOSPITAL)
    plain = evaluated_case(reference, HOSPITAL, data_categories=["other-personal"], phi_deidentify=None)
    assert "lgpd-sensitive-data" not in plain.regime_codes and "lgpd" in plain.regime_codes
    assert ev.fit_score == plain.fit_score - 5


def test_a_us_buyer_with_brazilian_patients_reads_it_once_beside_the_lgpd(reference: Playbook) -> None:
    ev = evaluated_case(reference, RETAILER, data_categories=["brazil-personal", "phi"])
    assert {"lgpd", "lgpd-sensitive-data"} <= set(ev.regime_codes)
    assert fired(ev) == ["lgpd-health-data-people-in-brazil"]
    # A buyer in Brazil saying the same reads it from one rule, not both.
    in_brazil = evaluated_case(reference, RETAILER, data_categories=["brazil-personal", "phi"], buyer_location="brazil")
    assert fired(in_brazil) == ["lgpd-health-data-people-in-brazil"]
    assert [c.points for c in in_brazil.fit_contributions if c.rule in RULES] == [-5]
    assert sum(r.code == "lgpd-sensitive-data" for r in in_brazil.regimes) == 1


@pytest.mark.parametrize(
    ("changes"),
    [
        {"buyer_location": "us"},  # a hospital elsewhere, health data of people not said to be in Brazil
        {"data_categories": ["other-personal"], "phi_deidentify": None},  # a buyer in Brazil without health data
    ],
)
def test_without_health_data_about_people_in_brazil_no_sensitive_data_duties(
    reference: Playbook, changes: dict[str, object]
) -> None:
    ev = evaluated_case(reference, HOSPITAL, **changes)
    assert "lgpd-sensitive-data" not in ev.regime_codes
    assert fired(ev) == []
