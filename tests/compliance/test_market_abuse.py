"""Inside information shared with a provider by a buyer in the UK or the EU reads the market abuse law that binds it
(UK MAR and the Criminal Justice Act 1993, with SYSC 10.2 for an FCA firm; EU MAR), each duty with its official
source, and the insider-list condition; a buyer elsewhere keeps the notice that its own rules are not covered, a US
buyer keeps the US regimes. An SEC-registered investment adviser reads its compliance-programme and records duties
(Advisers Act Rules 206(4)-7, 204-2 and 204A-1) whether or not inside information moves."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
UK_BANK = "UK investment bank: M&A financial models"
EU_BOUTIQUE = "Frankfurt corporate finance boutique"
US_ADVISER = "US SEC-registered adviser: ESG research"
HEDGE_FUND = "US hedge fund: steady equity research support"
DEAL_RESEARCH = "Deal research with inside information, in irregular bursts"
INSIDER_LIST = (
    "Put the provider's analysts with access on the insider list you keep as the issuer, or as the issuer's adviser "
    "on the deal, and have each acknowledge the duties in writing before inside information moves; if you act for "
    "no issuer, the list is the issuer's to keep: share only what the work needs, under written confidentiality duties"
)
NOT_COVERED = "Your own market's insider-dealing rules are not covered here"
MARKET_ABUSE = {"uk-mar", "fca-sysc10-chinese-walls", "eu-mar"}
US_INSIDE_INFORMATION = {"us-mnpi", "us-adviser-mnpi", "us-broker-dealer-mnpi"}


def obligations(ev: Any, regime: str) -> dict[str, tuple[str, str]]:
    return {
        o["code"]: (o["citation"], o["source_url"])
        for r in ev.regimes
        if r.code == regime
        for _p, _l, items in r.obligations
        for o in items
    }


def conditions(ev: Any) -> set[str]:
    return {c.text for c in ev.conditions}


def risks(ev: Any) -> set[str]:
    return {r.title for r in ev.risks}


def test_a_uk_bank_sharing_inside_information_reads_uk_mar_and_the_insider_dealing_offence(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, UK_BANK)
    assert {"uk-mar", "fca-sysc10-chinese-walls", "pra-ss2-21"} <= set(ev.regime_codes)
    found = obligations(ev, "uk-mar")
    assert found["uk-insider-list"] == (
        "UK MAR Art. 18(1), (2) and (3)",
        "https://www.legislation.gov.uk/eur/2014/596/article/18",
    )
    assert found["uk-lawful-disclosure"] == (
        "UK MAR Arts. 10(1) and 14",
        "https://www.legislation.gov.uk/eur/2014/596/article/10",
    )
    assert found["uk-criminal-insider-dealing"] == (
        "Criminal Justice Act 1993, s.52(1) and (2)",
        "https://www.legislation.gov.uk/ukpga/1993/36/part/V",
    )
    assert obligations(ev, "fca-sysc10-chinese-walls")["sysc10-provider-inside-the-wall"] == (
        "SYSC 10.2.2R(1) and (3)",
        "https://www.handbook.fca.org.uk/handbook/SYSC/10/2.html",
    )
    assert INSIDER_LIST in conditions(ev)
    assert not ({"eu-mar"} | US_INSIDE_INFORMATION) & set(ev.regime_codes)
    assert NOT_COVERED not in risks(ev)


def test_a_buyer_in_the_uk_not_regulated_there_reads_uk_mar_but_not_the_fca_rule(reference: Playbook) -> None:
    ev = evaluated_case(reference, DEAL_RESEARCH, buyer_location="uk", buyer_regulated_in=None)
    assert "uk-mar" in ev.regime_codes and "fca-sysc10-chinese-walls" not in ev.regime_codes
    assert INSIDER_LIST in conditions(ev) and NOT_COVERED not in risks(ev)


def test_a_uk_buyer_without_inside_information_reads_no_market_abuse_law(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_BANK, data_categories=["none"])
    assert not MARKET_ABUSE & set(ev.regime_codes)
    assert INSIDER_LIST not in conditions(ev) and NOT_COVERED not in risks(ev)
    assert "pra-ss2-21" in ev.regime_codes


def test_an_eu_boutique_reads_eu_mar_with_its_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, EU_BOUTIQUE)
    found = obligations(ev, "eu-mar")
    assert found == {
        "eu-insider-list": ("MAR Art. 18(1), (2) and (3)", "https://eur-lex.europa.eu/eli/reg/2014/596/oj"),
        "eu-lawful-disclosure": ("MAR Arts. 10(1) and 14", "https://eur-lex.europa.eu/eli/reg/2014/596/oj"),
    }
    assert INSIDER_LIST in conditions(ev)
    assert not ({"uk-mar", "fca-sysc10-chinese-walls"} | US_INSIDE_INFORMATION) & set(ev.regime_codes)
    located = evaluated_case(reference, DEAL_RESEARCH, buyer_location="eu", buyer_regulated_in=None)
    assert "eu-mar" in located.regime_codes and "us-mnpi" not in located.regime_codes


def test_a_us_buyer_keeps_the_us_regimes_and_reads_no_market_abuse_law(reference: Playbook) -> None:
    ev = evaluated_case(reference, HEDGE_FUND)
    assert {"us-mnpi", "us-adviser-mnpi"} <= set(ev.regime_codes)
    assert not MARKET_ABUSE & set(ev.regime_codes)
    assert INSIDER_LIST not in conditions(ev) and NOT_COVERED not in risks(ev)


@pytest.mark.parametrize("where", ["singapore", "india", "other"])
def test_a_buyer_elsewhere_keeps_the_not_covered_notice(reference: Playbook, where: str) -> None:
    ev = evaluated_case(reference, DEAL_RESEARCH, buyer_location=where, buyer_regulated_in=None)
    assert NOT_COVERED in risks(ev)
    assert not (MARKET_ABUSE | US_INSIDE_INFORMATION) & set(ev.regime_codes)
    assert INSIDER_LIST not in conditions(ev)
    assert NOT_COVERED not in risks(
        evaluated_case(
            reference, DEAL_RESEARCH, buyer_location=where, buyer_regulated_in=None, data_categories=["none"]
        )
    )


def test_the_inside_information_rule_no_longer_says_uk_and_eu_rules_are_not_covered(reference: Playbook) -> None:
    rationale = reference.rules.get(code="mnpi-handling").rationale
    assert "a buyer in the UK or the EU answers to the Market Abuse Regulation" in rationale
    assert "one elsewhere to its own market's insider-dealing rules, not covered here" in rationale


def test_an_sec_registered_adviser_without_inside_information_reads_its_oversight_duties(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, US_ADVISER)
    assert "us-adviser-oversight" in ev.regime_codes
    assert not US_INSIDE_INFORMATION & set(ev.regime_codes)
    assert obligations(ev, "us-adviser-oversight") == {
        "adviser-compliance-policies": (
            "17 CFR 275.206(4)-7(a), (b) and (c)",
            "https://www.ecfr.gov/current/title-17/section-275.206(4)-7",
        ),
        "adviser-books-and-records": (
            "17 CFR 275.204-2(a)(7) and (e)(1)",
            "https://www.ecfr.gov/current/title-17/section-275.204-2",
        ),
        "adviser-code-of-ethics": (
            "17 CFR 275.204A-1(a) and (e)",
            "https://www.ecfr.gov/current/title-17/section-275.204A-1",
        ),
    }


def test_the_proposed_outsourcing_rule_is_not_presented_as_law(reference: Playbook) -> None:
    regime = next(r for r in evaluated_case(reference, US_ADVISER).regimes if r.code == "us-adviser-oversight")
    cited = " ".join(o["citation"] for _p, _l, items in regime.obligations for o in items)
    assert "206(4)-11" not in cited
    from apps.compliance.models import Regime

    summary = Regime.objects.get(code="us-adviser-oversight").summary
    assert "2022 proposal" in summary and "was not adopted" in summary


@pytest.mark.parametrize(("registration", "reads"), [("both", True), ("broker-dealer", False), ("neither", False)])
def test_only_an_adviser_reads_the_advisers_oversight_duties(
    reference: Playbook, registration: str, reads: bool
) -> None:
    ev = evaluated_case(reference, US_ADVISER, sec_registration=registration)
    assert ("us-adviser-oversight" in ev.regime_codes) is reads


def test_an_adviser_sharing_inside_information_reads_both_of_its_duties(reference: Playbook) -> None:
    assert {"us-adviser-oversight", "us-adviser-mnpi", "us-mnpi"} <= set(
        evaluated_case(reference, HEDGE_FUND).regime_codes
    )


@pytest.mark.parametrize(("case", "regime"), [(UK_BANK, "uk-mar"), (EU_BOUTIQUE, "eu-mar")])
def test_the_insider_list_is_the_issuers_or_its_advisers_not_every_holders(
    reference: Playbook, case: str, regime: str
) -> None:
    # MAR Art. 18(1) binds issuers and persons acting on their behalf or on their account: an investment bank
    # advising on a client's deal keeps its own list for the deal; a buyer acting for no issuer keeps none.
    ev = evaluated_case(reference, case)
    listed = [c for c in conditions(ev) if "insider list" in c]
    assert listed == [INSIDER_LIST]
    assert "your insider list" not in listed[0]
    entry = next(r for r in ev.regimes if r.code == regime)
    assert "your insider list" not in entry.summary and "adviser acting for it" in entry.summary
    titles = {o["code"]: o["title"] for _p, _l, items in entry.obligations for o in items}
    assert titles[f"{regime[:2]}-insider-list"].endswith("if you are the issuer or act for it")


EU_MAR_REACH = "mnpi-eu-clients-buyer-outside-eu"


@pytest.mark.parametrize("case", [UK_BANK, DEAL_RESEARCH])
def test_a_uk_or_us_buyer_with_clients_in_the_eu_is_asked_whether_eu_mar_reaches_their_inside_information(
    reference: Playbook, case: str
) -> None:
    # Review 152: a UK and a US bank with EU clients' inside information read only their own market's law, where a
    # Swiss buyer was told EU MAR reaches third countries (Art. 2(4)); Art. 18(1) binds whoever acts for the issuer.
    ev = evaluated_case(reference, case, client_jurisdictions=["us", "uk", "eu"], mnpi_inside_information="yes")
    (risk,) = [r for r in ev.risks if r.rule == EU_MAR_REACH]
    assert "Art. 2(1) and (4)" in risk.mitigation and "Art. 18(1)" in risk.mitigation
    (condition,) = [c for c in ev.conditions if c.rule == EU_MAR_REACH]
    assert "Arts. 2(4) and 18(1)" in condition.text
    assert "eu-mar" not in {r.code for r in ev.regimes}  # a question for its lawyer, not a regime it is bound by
    # Without clients in the EU, or with only its own research, nothing is asked; an EU buyer reads EU MAR itself.
    home = evaluated_case(reference, case, client_jurisdictions=["us", "uk"], mnpi_inside_information="yes")
    own = evaluated_case(reference, case, client_jurisdictions=["eu"], mnpi_inside_information="own-research-only")
    eu = evaluated_case(reference, EU_BOUTIQUE, client_jurisdictions=["eu"])
    for other in (home, own, eu):
        assert EU_MAR_REACH not in {r.rule for r in other.risks}


UK_MAR_REACH = "mnpi-uk-clients-buyer-outside-uk"


def test_a_us_or_eu_buyer_with_clients_in_the_uk_is_asked_whether_uk_mar_reaches_their_inside_information(
    reference: Playbook,
) -> None:
    # Review 155: the same reach as the EU's (UK MAR Art. 2(4)), for a buyer outside the UK with UK clients; the
    # insider list only where the buyer acts for the issuer, as the UK buyer's own condition says.
    for case in (DEAL_RESEARCH, EU_BOUTIQUE):
        ev = evaluated_case(reference, case, client_jurisdictions=["uk"], mnpi_inside_information="yes")
        (risk,) = [r for r in ev.risks if r.rule == UK_MAR_REACH]
        assert "UK MAR Art. 2(1) and (4)" in risk.mitigation and "Art. 18(1)" in risk.mitigation
        (condition,) = [c for c in ev.conditions if c.rule == UK_MAR_REACH]
        assert "you act for the issuer or on its behalf" in condition.text
        assert "if you act for no issuer, the list is the issuer's to keep" in condition.text
    uk = evaluated_case(reference, UK_BANK, client_jurisdictions=["uk"], mnpi_inside_information="yes")
    assert UK_MAR_REACH not in {r.rule for r in uk.risks}
    eu = evaluated_case(reference, UK_BANK, client_jurisdictions=["eu"], mnpi_inside_information="yes")
    (condition,) = [c for c in eu.conditions if c.rule == EU_MAR_REACH]
    assert "you act for the issuer or on its behalf" in condition.text
