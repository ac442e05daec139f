"""A buyer in Switzerland, or elsewhere in Europe outside the EU and the EEA, with EU personal data reads how the GDPR
reaches an organisation outside the EU (Art. 3(2), Art. 27) and the tool for data sent to it, not the terms of a
controller in the EU (review 54). A provider processing personal data in Mexico is under Mexico's own data
protection law, which the locations say as they say the other delivery countries' (review 54)."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
SWISS = "Swiss drug maker"
EU_TERMS = "gdpr-eu-personal-data-terms"
IN_EUROPE = "gdpr-eu-personal-data-team-in-europe-outside-eu"
OUTSIDE = "gdpr-eu-personal-data-team-outside-eu"


def _conditions(ev: Evaluation) -> list[str]:
    return [c.text for c in ev.conditions]


def test_a_swiss_buyer_with_eu_personal_data_reads_the_territorial_check_not_an_eu_controllers_terms(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, SWISS)
    fired = fired_codes(ev)
    assert IN_EUROPE in fired and EU_TERMS not in fired and OUTSIDE not in fired
    assert "gdpr" in ev.regime_codes and "ch-fadp" in " ".join(ev.regime_codes)
    texts = _conditions(ev)
    assert any(
        t.startswith("Before EU personal data moves, have counsel map its route for an organisation in Europe")
        for t in texts
    )
    assert not any(t.startswith("Sign GDPR Article 28 processor terms") for t in texts)
    risk = next(r for r in ev.risks if r.title.startswith("Outside the EU, how the GDPR reaches you"))
    assert "Decision 2000/518/EC" in risk.mitigation and "Art. 3(2)" in risk.mitigation


@pytest.mark.parametrize("country", ["outside-eu"])
def test_a_buyer_elsewhere_in_europe_outside_the_eea_reads_the_same(reference: Playbook, country: str) -> None:
    fired = fired_codes(evaluated_case(reference, SWISS, buyer_eu_country=country))
    assert IN_EUROPE in fired and EU_TERMS not in fired


def test_a_buyer_in_the_eu_still_reads_the_controllers_terms_and_a_us_buyer_the_check_outside_europe(
    reference: Playbook,
) -> None:
    german = evaluated_case(reference, SWISS, buyer_eu_country="germany")
    assert EU_TERMS in fired_codes(german) and IN_EUROPE not in fired_codes(german)
    assert any(t.startswith("Sign GDPR Article 28 processor terms") for t in _conditions(german))
    us = evaluated_case(reference, "US biotech: trial data", data_categories=["eu-personal"])
    assert {OUTSIDE, EU_TERMS} <= fired_codes(us) and IN_EUROPE not in fired_codes(us)


def _mexico_texts(ev: Evaluation) -> list[str]:
    mexico = next(loc for loc in ev.locations if loc.code == "mexico")
    return [c.text for c in mexico.contributions]


def test_personal_data_processed_in_mexico_names_mexicos_law_among_the_locations(reference: Playbook) -> None:
    law = (
        "processing here puts the provider under Mexico's data protection law (LFPDPPP, Diario Oficial de la "
        "Federación of 20 March 2025), whose duties are not set out here"
    )
    firm = evaluated_case(reference, "US law firm: seasonal first-level document review")
    assert [loc.code for loc in firm.locations[:2]] == ["colombia", "mexico"]
    assert law in _mexico_texts(firm)
    colombia = next(loc for loc in firm.locations if loc.code == "colombia")
    assert any("Ley 1581 de 2012" in c.text for c in colombia.contributions)
    bank = evaluated_case(reference, "Mexico City bank")
    assert bank.delivered_from == "mexico" and law in _mexico_texts(bank)
    # No personal data, nothing said: the law is about personal data.
    none = evaluated_case(reference, "US law firm: seasonal first-level document review", data_categories=["none"])
    assert not any("LFPDPPP" in t for t in _mexico_texts(none))
