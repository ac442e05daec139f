"""A buyer in Switzerland is told apart from the rest of Europe outside the EU: the personal data it hands a provider
reads Switzerland's Federal Act on Data Protection (SR 235.1: the processor under Art. 9, data security under Art. 8,
disclosure abroad under Arts. 16-17 with India off the Federal Council's list, breach notice under Art. 24), health
data as sensitive (Art. 5 let. c, the impact assessment of Art. 22), and a drug maker's safety cases the Therapeutic
Products Act's reporting duty to Swissmedic (SR 812.21, Art. 59). EU pharmacovigilance reaches it only as the holder
of an EU marketing authorisation, never as "an EU drug maker". A stored answer "outside-eu" still reads as before, and
an EU buyer's cards are unchanged."""

from __future__ import annotations

import pytest

from apps.common.models import SourceHost
from apps.compliance.models import Regime
from apps.playbooks.engine import clean_answers
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
SWISS = "Swiss drug maker"
IRISH = "Irish device and drug maker"
FADP = "https://www.fedlex.admin.ch/eli/cc/2022/491/en"
DPO = "https://www.fedlex.admin.ch/eli/cc/2022/568/en"
TPA = "https://www.fedlex.admin.ch/eli/cc/2001/422/en"
SWISS_REGIMES = {"ch-fadp", "ch-fadp-sensitive", "ch-tpa-vigilance"}
SWISS_RULES = {
    "ch-fadp-swiss-buyer",
    "ch-fadp-sensitive-health",
    "ch-fadp-sensitive-special",
    "drug-safety-ch-tpa",
    "switzerland-sector-law",
}
OWN_LAW = "Your own country's law on handing work and data to a provider abroad is not covered here"
ELSEWHERE = "Your country's rules on handing personal data to a provider are not covered here"
SECTOR = "Swiss rules of your own sector on handing work to a provider abroad are not covered here"
EU_HOLDER = "If you hold an EU marketing authorisation: "
SWISS_HOLDER = "If you hold a Swissmedic marketing authorisation: "


def test_the_question_names_switzerland_and_keeps_the_stored_answer_for_the_rest(reference: Playbook) -> None:
    question = compiled_playbook(reference).questions["buyer_eu_country"]
    labels = {o.code: o.label for o in question.options}
    assert list(labels) == ["germany", "france", "netherlands", "ireland", "other-eu", "switzerland", "outside-eu"]
    assert labels["switzerland"] == "Switzerland"
    assert labels["outside-eu"] == "Another European country outside the EU and the EEA"
    # An answer given before Switzerland had its own option still cleans and reads the general rule.
    given = {**reference.golden_cases.get(name__startswith=SWISS).answers, "buyer_eu_country": "outside-eu"}
    answers, problems = clean_answers(compiled_playbook(reference).questions, given)
    assert not problems and answers["buyer_eu_country"] == "outside-eu"
    ev = evaluated_case(reference, SWISS, buyer_eu_country="outside-eu")
    assert not SWISS_REGIMES & set(ev.regime_codes) and not SWISS_RULES & fired_codes(ev)
    assert {OWN_LAW, ELSEWHERE} <= {r.title for r in ev.risks}


def test_a_swiss_buyer_reads_the_fadp_with_its_articles(reference: Playbook) -> None:
    ev = evaluated_case(reference, SWISS)

    assert set(ev.regime_codes) >= SWISS_REGIMES
    assert ev.delivered_from == "india"
    duties = obligations(ev, "ch-fadp")
    assert duties == {
        "no-secrecy-bar": ("FADP Art. 9(1)(a)-(b)", FADP, "secondary"),
        # India is not on the Federal Council's list: the safeguards apply, the listed-State duty does not.
        "disclosure-abroad-safeguards": ("FADP Arts. 16(1)-(2), 17, 19(4); DPO Annex 1", FADP, "secondary"),
        "processor-contract": ("FADP Art. 9(1), (3)", FADP, "secondary"),
        "data-security": ("FADP Arts. 8, 9(2); DPO Arts. 1-3", FADP, "secondary"),
        "breach-notice": ("FADP Art. 24(1), (3), (4)", FADP, "secondary"),
    }
    fadp = next(r for r in ev.regimes if r.code == "ch-fadp")
    assert fadp.confidence == "secondary" and fadp.effective_date == "2023-09-01"
    assert [s["url"] for s in fadp.sources] == [FADP, DPO]
    assert Regime.objects.get(code="ch-fadp").confidence_note.count("check the texts on Fedlex") == 1
    assert "India does not" in fadp.summary and "Art. 5 let. c" in fadp.summary
    assert obligations(ev, "ch-fadp-sensitive") == {
        "dpia": ("FADP Arts. 5 let. c, 22(1)-(2), 23(1)", FADP, "secondary"),
        "logging": ("DPO Art. 4(1)", DPO, "weak"),
    }
    assert SourceHost.objects.get(host="fedlex.admin.ch").kind == "official"
    # Its own country's data protection law is covered now, so it is not told otherwise; its sector's rules are not.
    titles = [r.title for r in ev.risks]
    assert OWN_LAW not in titles and ELSEWHERE not in titles and titles.count(SECTOR) == 1
    texts = [c.text for c in ev.conditions]
    assert sum(t.startswith("Sign a processor contract under Switzerland's FADP") for t in texts) == 1
    assert sum(t.startswith("Carry out a data protection impact assessment") for t in texts) == 1


def test_delivery_from_a_listed_state_needs_no_safeguards(reference: Playbook) -> None:
    ev = evaluated_case(reference, SWISS, preferred_region="cee")
    assert ev.delivered_from == "poland"
    duties = obligations(ev, "ch-fadp")
    assert "disclosure-abroad-listed" in duties and "disclosure-abroad-safeguards" not in duties


def test_a_swiss_drug_maker_reads_eu_pharmacovigilance_only_as_a_holder_and_swissmedics_duty(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, SWISS)

    assert "drug-safety-eu-pv" not in fired_codes(ev) and "drug-safety-eu-pv-patients" in fired_codes(ev)
    assert not [f.name for f in ev.fired if "EU drug maker" in f.name or "drug maker in the EU" in f.name]
    texts = [c.text for c in ev.conditions]
    assert [t for t in texts if t.startswith(EU_HOLDER)] and [t for t in texts if t.startswith(SWISS_HOLDER)]
    assert obligations(ev, "ch-tpa-vigilance") == {
        "reporting-system": ("TPA Art. 59(1)", TPA, "secondary"),
        "reporting-deadlines": ("TPA Art. 59; Medicinal Products Ordinance (VAM, SR 812.212.21)", TPA, "weak"),
    }
    # With no patients in the EU, nothing brings EU pharmacovigilance in; Swissmedic's duty stays.
    home = evaluated_case(
        reference,
        SWISS,
        client_jurisdictions=["other"],
        data_categories=["other-personal", "phi"],
        sensitive_personal_data=None,
    )
    assert "eu-pharmacovigilance" not in home.regime_codes and "gdpr" not in home.regime_codes
    assert set(home.regime_codes) >= SWISS_REGIMES


@pytest.mark.parametrize(
    ("changes", "regimes", "rules"),
    [
        # No health data marked as such, but special-category EU data: still sensitive, from the other rule, once.
        (
            {"data_categories": ["eu-personal"], "sensitive_personal_data": ["special-category"]},
            SWISS_REGIMES,
            {"ch-fadp-sensitive-special"},
        ),
        # No personal data at all: no FADP; Swissmedic's duty and the sector's rules still named.
        (
            {"data_categories": ["none"], "sensitive_personal_data": None},
            {"ch-tpa-vigilance"},
            {"switzerland-sector-law", "drug-safety-ch-tpa"},
        ),
        # Trial data, not safety cases: no Swissmedic reporting duty.
        ({"clinical_work": ["trial-data"]}, {"ch-fadp", "ch-fadp-sensitive"}, {"ch-fadp-sensitive-health"}),
    ],
    ids=["special-category", "no-personal-data", "trial-data"],
)
def test_each_swiss_regime_follows_its_own_trigger(
    reference: Playbook, changes: dict[str, object], regimes: set[str], rules: set[str]
) -> None:
    ev = evaluated_case(reference, SWISS, **changes)
    assert SWISS_REGIMES & set(ev.regime_codes) == regimes
    assert rules <= fired_codes(ev)
    assert sum(c.text.startswith("Carry out a data protection impact assessment") for c in ev.conditions) == (
        "ch-fadp-sensitive" in regimes
    )


def test_an_eu_buyers_cards_are_unchanged(reference: Playbook) -> None:
    ev = evaluated_case(reference, IRISH)

    assert not SWISS_REGIMES & set(ev.regime_codes) and not SWISS_RULES & fired_codes(ev)
    assert set(ev.regime_codes) == {
        "eu-pharmacovigilance",
        "eu-mdr-vigilance",
        "gdpr",
        "gdpr-special-data",
        "iso27001",
    }
    assert "drug-safety-eu-pv" in fired_codes(ev) and "device-safety-eu-mdr" in fired_codes(ev)
    assert sorted(r.title for r in ev.risks) == [
        "Attrition erodes what the team has learned",
        "Health data is special-category personal data",
        "Personal data moves before processor terms are in place",
        "Trial and drug-safety duties stay yours when the work moves",
    ]
    assert sorted(c.text.split(":")[0] for c in ev.conditions if c.text.startswith("If you")) == [
        "If you are the device manufacturer",
        "If you hold an EU marketing authorisation",
    ]


BANK_SECRECY = "Client data shown to the provider without a basis breaks Swiss banking secrecy"


def test_a_swiss_bank_reads_banking_secrecy_as_a_high_risk_with_a_condition_not_a_rule_left_unread(
    reference: Playbook,
) -> None:
    # A Swiss private bank's research with client data: Banking Act Art. 47(1)(a) binds the provider's people, so
    # the basis for their access (anonymised data or each client's consent) is settled before the data moves.
    bank = {"buyer_sector": "bank", "data_categories": ["other-personal"], "clinical_work": None}
    ev = evaluated_case(reference, SWISS, **bank)
    risk = next(r for r in ev.risks if r.title == BANK_SECRECY)
    assert risk.severity == "high" and "FINMA Circular 2018/3" in risk.mitigation
    assert any("Banking Act Art. 47(1)(a)" in c.text for c in ev.conditions)
    assert "ch-bank-secrecy-swiss-bank" in fired_codes(ev) and SECTOR not in {r.title for r in ev.risks}
    # Without client data, or for another sector, the sector's rules are said to be unread, as before.
    for changes in ({**bank, "data_categories": ["none"]}, {**bank, "buyer_sector": "other"}):
        other = evaluated_case(reference, SWISS, **changes)
        assert BANK_SECRECY not in {r.title for r in other.risks}
        assert sum(r.title == SECTOR for r in other.risks) == 1, changes
