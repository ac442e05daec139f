"""A buyer in Europe outside the EU and the EEA (Switzerland, for one) is told apart from an EU buyer: the EU rules
that follow the buyer's own place (pharmacovigilance for an EU drug maker, the MDR, MAR, dual-use, MiFID II when the
regulator was not asked, the Clinical Trials Regulation's sponsor) are not applied to it, EU law still reaches it
where the work does (patients or personal data in the EU, worded "if you hold an EU marketing authorisation"), and
it is told its own country's law is not covered."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
IRISH = "Irish device and drug maker"
SWISS = {"buyer_eu_country": "outside-eu", "home_market": "other"}
OWN_LAW = "Your own country's law on handing work and data to a provider abroad is not covered here"
# A Swiss drug maker whose cases come from patients outside the EU.
SWISS_ELSEWHERE = {
    **SWISS,
    "client_jurisdictions": ["other"],
    "data_categories": ["other-personal"],
    "sensitive_personal_data": None,
}


def test_the_question_offers_europe_outside_the_eu(reference: Playbook) -> None:
    question = reference.questions.get(code="buyer_eu_country")
    assert [o.code for o in question.options.order_by("order")] == [
        "germany", "france", "netherlands", "ireland", "other-eu", "outside-eu",
    ]  # fmt: skip
    assert question.options.get(code="other-eu").label == "Another EU or EEA country"
    assert "Switzerland" in question.options.get(code="outside-eu").label


def test_a_swiss_drug_maker_is_not_called_an_eu_drug_maker(reference: Playbook) -> None:
    ev = evaluated_case(reference, IRISH, **SWISS_ELSEWHERE, clinical_work=["drug-safety", "device-safety"])
    fired = {f.code for f in ev.fired}
    assert not {"drug-safety-eu-pv", "device-safety-eu-mdr", "clinical-data-sponsor-oversight-eu"} & fired
    assert not {"eu-pharmacovigilance", "eu-mdr-vigilance"} & set(ev.regime_codes)
    assert "clinical-data-sponsor-oversight-europe-outside-eu" in fired
    assert [r.title for r in ev.risks].count(OWN_LAW) == 1
    assert not any("An EU drug maker" in f.name or "drug maker in the EU" in f.name for f in ev.fired)


def test_a_swiss_drug_maker_with_patients_in_the_eu_reads_the_eu_rules_as_a_holders(reference: Playbook) -> None:
    ev = evaluated_case(reference, IRISH, **SWISS, clinical_work=["drug-safety"])
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
        ("Regulator not asked: an investment firm in another sector", {}, "mifid2"),
    ],
)
def test_eu_rules_that_follow_the_buyers_place_skip_a_buyer_outside_the_eu(
    reference: Playbook, case: str, changes: dict[str, object], regime: str
) -> None:
    assert regime in evaluated_case(reference, case, **changes).regime_codes
    outside = evaluated_case(reference, case, **changes, **SWISS)
    assert regime not in outside.regime_codes
    assert OWN_LAW in [r.title for r in outside.risks]
