"""The law of a buyer in Brazil (the LGPD and, for a bank, the central bank's rule on data processing services),
the LGPD for personal data of people in Brazil whatever the buyer's country, and the law of delivery from the
Philippines (the Data Privacy Act) are named, each duty with its official source; a buyer elsewhere without
Brazilian data, or delivery from elsewhere, is not handed them."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
BANK = "São Paulo bank: KYC refresh reviews"
MANILA = "Mumbai consumer-goods company: customer analytics team in Manila"
RETAILER = "US online retailer: customer and basket analytics on its Brazilian shoppers"
LGPD_RULES = {"lgpd-brazilian-buyer", "lgpd-brazil-personal-data"}


def obligations(ev: Any, code: str) -> dict[str, tuple[str, str, str]]:
    regime = next(r for r in ev.regimes if r.code == code)
    return {
        o["code"]: (o["citation"], o["source_url"], o["confidence"])
        for _p, _l, items in regime.obligations
        for o in items
    }


def source_host_kinds(ev: Any, code: str) -> dict[str, str]:
    """The hosts of regime ``code``'s sources in ``ev`` (without "www."), each with how the product classes it."""
    from apps.common.models import SourceHost

    regime = next(r for r in ev.regimes if r.code == code)
    hosts = {s["url"].split("/")[2].removeprefix("www.") for s in regime.sources}
    known = dict(SourceHost.objects.filter(host__in=hosts).values_list("host", "kind"))
    return {host: known.get(host, "") for host in hosts}


def test_a_brazilian_bank_gets_the_lgpd_and_the_central_banks_rule_with_their_sources(reference: Playbook) -> None:
    # Delivered from abroad, so the grounds for sending data out of Brazil are listed too.
    ev = evaluated_case(reference, BANK, preferred_region="india", overlap_hours=0)
    assert ev.delivered_from not in ("brazil", "")
    lgpd = obligations(ev, "lgpd")
    assert lgpd["transfer-ground"][:2] == (
        "LGPD Art. 33(I)-(II); Resolução CD/ANPD 19/2024",
        "https://www.planalto.gov.br/ccivil_03/_ato2015-2018/2018/lei/l13709.htm",
    )
    assert lgpd["processor-instructions"][0] == "LGPD Arts. 37, 39, 42"
    assert lgpd["incident-notice"][0].startswith("LGPD Art. 48")
    bcb = obligations(ev, "bcb-4893")
    assert bcb["abroad-agreement"][0] == "Resolução CMN 4.893/2021, Art. 16"
    assert all(url.startswith("https://www.bcb.gov.br/") for _c, url, _w in bcb.values())
    # Not read against the official text: every figure of the central bank's rule is marked weak.
    assert {confidence for _c, _u, confidence in bcb.values()} == {"weak"}
    assert any("ANPD's standard contractual clauses" in c.text for c in ev.conditions)
    assert any("CMN Resolution 4,893/2021" in c.text for c in ev.conditions)


def test_a_brazilian_firm_outside_banking_gets_the_lgpd_alone(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK, buyer_sector="other", critical_function=None, buyer_regulated_in=None)
    assert "lgpd" in ev.regime_codes
    assert "bcb-4893" not in ev.regime_codes


def test_without_personal_data_no_lgpd(reference: Playbook) -> None:
    assert "lgpd" not in evaluated_case(reference, BANK, data_categories=["none"]).regime_codes


def test_a_bank_elsewhere_is_not_given_brazilian_law(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK, buyer_location="other")
    assert not {"lgpd", "bcb-4893"} & set(ev.regime_codes)


def test_delivery_from_manila_names_the_philippine_law_and_what_to_ask_the_provider(reference: Playbook) -> None:
    ev = evaluated_case(reference, MANILA)
    assert ev.locations[0].code == "philippines"
    assert {"dpdp", "ph-dpa"} <= set(ev.regime_codes)
    dpa = obligations(ev, "ph-dpa")
    assert dpa["security-measures"][:2] == (
        "RA 10173 s. 20(a)-(c); IRR ss. 5, 25-29",
        "https://www.officialgazette.gov.ph/2012/08/15/republic-act-no-10173/",
    )
    # Data collected abroad under the buyer's own law is outside the Act but for the security measures (s.4(g);
    # IRR s.5): the outsourcing agreement and the Commission's breach notice hold where the Act applies in full.
    assert dpa["outsourcing-agreement"][0] == "RA 10173 ss. 4(g), 14, 21; IRR ss. 5, 44"
    assert dpa["breach-notice"][0] == "RA 10173 ss. 4(g), 20(f); IRR s. 5; NPC Circular 16-03, s. 17"
    assert dpa["breach-notice"][2] == "weak"
    regime = next(r for r in ev.regimes if r.code == "ph-dpa")
    assert "outside the Act while processed in the Philippines (s.4(g); IRR s.5)" in regime.summary
    fired = next(f for f in ev.fired if f.code == "ph-dpa-philippines-delivery")
    assert "(s.4(g); IRR s.5)" in fired.rationale


def test_delivery_from_elsewhere_does_not_bring_the_philippine_law(reference: Playbook) -> None:
    ev = evaluated_case(reference, MANILA, preferred_region="cee")
    assert ev.locations[0].code != "philippines"
    assert "ph-dpa" not in ev.regime_codes


def test_a_us_buyer_with_shoppers_in_brazil_gets_the_lgpd_with_its_transfer_ground(reference: Playbook) -> None:
    ev = evaluated_case(reference, RETAILER)

    assert ev.buyer_location == "us" and ev.delivered_from == "india"
    assert {"lgpd", "dpdp-foreign-data"} <= set(ev.regime_codes)  # Brazilians' data: s.17(1)(d)
    lgpd = obligations(ev, "lgpd")
    assert lgpd["transfer-ground"] == (
        "LGPD Art. 33(I)-(II); Resolução CD/ANPD 19/2024",
        "https://www.planalto.gov.br/ccivil_03/_ato2015-2018/2018/lei/l13709.htm",
        "secondary",
    )
    assert lgpd["standard-clauses"][1:] == ("https://www.gov.br/anpd/pt-br", "weak")
    regime = next(r for r in ev.regimes if r.code == "lgpd")
    assert regime.because == ("Personal data of people in Brazil, for a buyer outside Brazil",)
    assert any("Arts. 3(I)-(III) and §1" in s["title"] for s in regime.sources)
    lgpd_conditions = [c for c in ev.conditions if c.rule in LGPD_RULES]
    assert [c.rule for c in lgpd_conditions] == ["lgpd-brazil-personal-data"]
    assert "ANPD's standard contractual clauses" in lgpd_conditions[0].text
    # Processor terms cost their 5 points once, as for any personal data; the LGPD rule adds none of its own.
    assert [c.points for c in ev.fit_contributions if c.rule == "personal-data-processor-terms"] == [-5]
    assert not [c for c in ev.fit_contributions if c.rule in LGPD_RULES]


def test_a_buyer_in_brazil_with_brazilian_data_reads_the_lgpd_once(reference: Playbook) -> None:
    ev = evaluated_case(reference, RETAILER, buyer_location="brazil")
    as_other = evaluated_case(reference, RETAILER, buyer_location="brazil", data_categories=["other-personal"])

    assert ev.regime_codes.count("lgpd") == 1
    regime = next(r for r in ev.regimes if r.code == "lgpd")
    assert regime.because == ("A buyer in Brazil sends personal data to a provider",)
    assert [c.rule for c in ev.conditions if c.rule in LGPD_RULES] == ["lgpd-brazilian-buyer"]
    # Ticking the Brazilian option instead of "elsewhere" changes neither the score nor the LGPD's advice.
    assert ev.fit_score == as_other.fit_score
    assert [c.text for c in ev.conditions if c.rule in LGPD_RULES] == [
        c.text for c in as_other.conditions if c.rule in LGPD_RULES
    ]


@pytest.mark.parametrize("location", [None, "uk", "other"])
def test_brazilian_data_brings_the_lgpd_wherever_the_buyer_is(reference: Playbook, location: str | None) -> None:
    ev = evaluated_case(reference, RETAILER, buyer_location=location)

    assert "lgpd" in ev.regime_codes
    assert [c.rule for c in ev.conditions if c.rule in LGPD_RULES] == ["lgpd-brazil-personal-data"]


def test_a_us_buyer_without_brazilian_data_is_not_given_the_lgpd(reference: Playbook) -> None:
    for data in (["california-personal"], ["other-personal"], ["none"]):
        assert "lgpd" not in evaluated_case(reference, RETAILER, data_categories=data).regime_codes


def test_brazilian_data_would_bring_the_philippine_law_only_with_delivery_from_manila(reference: Playbook) -> None:
    ev = evaluated_case(reference, RETAILER)

    manila = next(loc for loc in ev.locations if loc.code == "philippines")
    assert "ph-dpa-philippines-delivery" in {c.rule for c in manila.contributions}
    assert ev.delivered_from == "india" and "ph-dpa" not in ev.regime_codes


def test_delivered_from_brazil_the_lgpd_asks_no_ground_or_clauses_for_sending_data_abroad(reference: Playbook) -> None:
    # The ANPD's standard clauses are a tool for sending data out of Brazil (LGPD Art. 33), as the ground for it is:
    # a provider working in Brazil needs the processor terms, not them.
    home = evaluated_case(reference, RETAILER, buyer_location="brazil", overlap_hours=6, preferred_region="latam")
    assert home.delivered_from == "brazil"
    assert not {"transfer-ground", "standard-clauses"} & set(obligations(home, "lgpd"))
    assert {"processor-instructions", "security-measures"} <= set(obligations(home, "lgpd"))
    abroad = evaluated_case(reference, RETAILER, buyer_location="brazil", preferred_region="india")
    assert abroad.delivered_from == "india"
    assert {"transfer-ground", "standard-clauses"} <= set(obligations(abroad, "lgpd"))
