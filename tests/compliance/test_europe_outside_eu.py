"""A buyer in Europe outside the EU and the EEA (Switzerland, or another country) is told apart from an EU buyer: the
EU rules that follow the buyer's own place (pharmacovigilance for an EU drug maker, the MDR, MAR, dual-use, MiFID II
when the regulator was not asked, the Clinical Trials Regulation's sponsor) are not applied to it, EU law still
reaches it where the work does (patients or personal data in the EU, worded "if you hold an EU marketing
authorisation"), and a buyer outside Switzerland is told its own country's law is not covered (Switzerland's is:
tests/compliance/test_switzerland.py)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
IRISH = "Irish device and drug maker"
COUNTRIES = ["switzerland", "outside-eu"]
OWN_LAW = "Your own country's law on handing work and data to a provider abroad is not covered here"
# A drug maker in Europe outside the EU whose cases come from patients outside the EU.
ELSEWHERE = {
    "home_market": "other",
    "client_jurisdictions": ["other"],
    "data_categories": ["other-personal"],
    "sensitive_personal_data": None,
}


def test_the_question_offers_europe_outside_the_eu(reference: Playbook) -> None:
    question = reference.questions.get(code="buyer_eu_country")
    assert [o.code for o in question.options.order_by("order")] == [
        "germany", "france", "netherlands", "ireland", "other-eu", "switzerland", "outside-eu",
    ]  # fmt: skip
    assert question.options.get(code="other-eu").label == "Another EU or EEA country"
    assert question.options.get(code="switzerland").label == "Switzerland"
    assert question.options.get(code="outside-eu").label == "Another European country outside the EU and the EEA"


@pytest.mark.parametrize("country", COUNTRIES)
def test_a_drug_maker_outside_the_eu_is_not_called_an_eu_drug_maker(reference: Playbook, country: str) -> None:
    ev = evaluated_case(
        reference, IRISH, **ELSEWHERE, buyer_eu_country=country, clinical_work=["drug-safety", "device-safety"]
    )
    fired = {f.code for f in ev.fired}
    assert not {"drug-safety-eu-pv", "device-safety-eu-mdr", "clinical-data-sponsor-oversight-eu"} & fired
    assert not {"eu-pharmacovigilance", "eu-mdr-vigilance"} & set(ev.regime_codes)
    assert "clinical-data-sponsor-oversight-europe-outside-eu" in fired
    assert [r.title for r in ev.risks].count(OWN_LAW) == (country == "outside-eu")
    assert not any("An EU drug maker" in f.name or "drug maker in the EU" in f.name for f in ev.fired)


@pytest.mark.parametrize("country", COUNTRIES)
def test_a_drug_maker_outside_the_eu_with_patients_in_the_eu_reads_the_eu_rules_as_a_holders(
    reference: Playbook, country: str
) -> None:
    ev = evaluated_case(reference, IRISH, buyer_eu_country=country, home_market="other", clinical_work=["drug-safety"])
    assert "eu-pharmacovigilance" in ev.regime_codes
    assert "drug-safety-eu-pv" not in {f.code for f in ev.fired}
    assert any(c.text.startswith("If you hold an EU marketing authorisation: ") for c in ev.conditions)


def test_an_eu_drug_maker_in_another_member_state_still_reads_them(reference: Playbook) -> None:
    ev = evaluated_case(reference, IRISH, buyer_eu_country="other-eu", clinical_work=["drug-safety"])
    (rule,) = [f for f in ev.fired if f.code == "drug-safety-eu-pv"]
    assert rule.name == "A drug maker in the EU: its safety cases read EU pharmacovigilance law"
    assert "eu-pharmacovigilance" in ev.regime_codes


@pytest.mark.parametrize(
    ("case", "changes", "regime"),
    [
        ("EU dual-use drawings: a German machine builder", {}, "eu-dual-use"),
        ("Regulator not asked: an investment firm in another sector", {}, "mifid2-research"),
    ],
)
def test_eu_rules_that_follow_the_buyers_place_skip_a_buyer_outside_the_eu(
    reference: Playbook, case: str, changes: dict[str, object], regime: str
) -> None:
    assert regime in evaluated_case(reference, case, **changes).regime_codes
    for country in COUNTRIES:
        outside = evaluated_case(reference, case, **changes, buyer_eu_country=country, home_market="other")
        assert regime not in outside.regime_codes
        assert (OWN_LAW in [r.title for r in outside.risks]) is (country == "outside-eu")
