"""Delivery from South Africa on personal information brings its Protection of Personal Information Act (POPIA,
Act 4 of 2013), as the Philippines' and Colombia's laws are brought in: the operator contract and security
safeguards (ss.19-21), breach notice (s.22), the data's way back out (s.72) and the Act's reach over a buyer
abroad (s.3(1)(b)), each cited to the official text and marked as not read here; delivery from elsewhere, or no
personal information, brings none of it."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations, source_host_kinds
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
UK_FIRM = "UK law firm: one-off contract review for an acquisition"
ACT = "https://www.gov.za/documents/protection-personal-information-act"
# Personal data of people elsewhere only, so no EEA or UK adequacy decides the location: South Africa is preferred.
IN_SOUTH_AFRICA = {
    "preferred_region": "south-africa",
    "client_jurisdictions": ["other"],
    "data_categories": ["other-personal", "privileged-legal"],
    "legal_disclosure_review": None,
}


def test_delivery_from_south_africa_names_popia_and_what_to_ask_the_provider(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_FIRM, **IN_SOUTH_AFRICA)
    assert ev.delivered_from == "south-africa"
    assert "popia" in ev.regime_codes
    popia = obligations(ev, "popia")
    assert {code: citation for code, (citation, _u, _c) in popia.items()} == {
        "reach": "POPIA s.3(1)(b)(ii)",
        "operator-contract": "POPIA ss. 19, 20, 21(1)",
        "breach-notice": "POPIA ss. 21(2), 22",
        "transborder-flow": "POPIA s.72(1)",
    }
    assert {url for _c, url, _k in popia.values()} == {ACT}
    assert popia["reach"][2] == "weak"
    assert {confidence for code, (_c, _u, confidence) in popia.items() if code != "reach"} == {"secondary"}
    assert source_host_kinds(ev, "popia") == {"gov.za": "official", "inforegulator.org.za": "official"}
    regime = next(r for r in ev.regimes if r.code == "popia")
    assert regime.jurisdiction == "South Africa" and regime.confidence == "secondary"


def test_the_uk_firm_delivered_from_poland_is_told_popia_would_come_only_from_south_africa(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, UK_FIRM, preferred_region="south-africa")
    assert ev.delivered_from != "south-africa" and "popia" not in ev.regime_codes
    (rule,) = [f for f in ev.fired if f.code == "popia-south-africa-delivery"]
    assert any("only if the work is delivered from South Africa, which it is not" in e for e in rule.effects)


def test_without_personal_information_south_africa_brings_no_popia(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_FIRM, **{**IN_SOUTH_AFRICA, "data_categories": ["privileged-legal"]})
    assert ev.delivered_from == "south-africa"
    assert "popia" not in ev.regime_codes


def test_the_rule_is_said_for_where_the_work_goes_each_time_on_one_compiled_playbook(reference: Playbook) -> None:
    """The same rule on the same answer to its question, explained for delivery from South Africa and from India in
    turn on one compiled playbook: what is remembered of one never stands in for the other (``evaluate._said_all``'s
    key marks which it is)."""
    popia = "South Africa's Protection of Personal Information Act (POPIA, Act 4 of 2013)"
    data = "“Which kinds of information would the offshore team see or handle?”"
    because = (
        f"{data} includes Personal data of people elsewhere, other US states included",
        # A buyer in South Africa reads its own duties instead (review 164).
        "“Where are the people who will work with the offshore team day to day?” is not “South Africa (UTC+2)”",
    )
    for _ in range(2):
        here = evaluated_case(reference, UK_FIRM, **IN_SOUTH_AFRICA)
        away = evaluated_case(reference, UK_FIRM, **{**IN_SOUTH_AFRICA, "preferred_region": "india"})
        assert here.delivered_from == "south-africa" and away.delivered_from == "india"
        (rule_here,) = [f for f in here.fired if f.code == "popia-south-africa-delivery"]
        (rule_away,) = [f for f in away.fired if f.code == "popia-south-africa-delivery"]
        assert rule_here.because == rule_away.because == because
        assert rule_here.effects == (f"triggers {popia} (the work is delivered from South Africa)",)
        assert rule_away.effects == (
            f"would bring in {popia} only if the work is delivered from South Africa, which it is not",
        )


def test_a_south_african_buyers_personal_information_reads_its_own_law_not_uncovered(reference: Playbook) -> None:
    # Review 59: a South African insurer sending policyholders' data to India read "check your country's cross-border
    # transfer rule (those rules are not covered here)"; POPIA s.72 governs exactly that export.
    ev = evaluated_case(
        reference, UK_FIRM, client_jurisdictions=["other"], data_categories=["za-personal", "privileged-legal"],
        legal_disclosure_review=None, preferred_region="india", buyer_location="south-africa",
    )  # fmt: skip
    assert ev.delivered_from == "india"
    assert "popia-transfer" in ev.regime_codes and "popia" not in ev.regime_codes
    transfer = obligations(ev, "popia-transfer")
    assert {code: citation for code, (citation, _u, _c) in transfer.items()} == {
        "transfer-ground": "POPIA s.72(1)",
        "operator-contract": "POPIA ss. 19, 20, 21(1)",
        "breach-notice": "POPIA ss. 21(2), 22",
    }
    assert {url for _c, url, _k in transfer.values()} == {ACT}
    assert transfer["transfer-ground"][2] == "weak"
    assert not any("not covered here" in c.text for c in ev.conditions)
    # Review 168: a buyer elsewhere is not called a South African responsible party; the Act reaches it only through
    # means in South Africa (s.3(1)(b)(ii)), which it is asked to check.
    uk = evaluated_case(
        reference, UK_FIRM, client_jurisdictions=["other"], data_categories=["za-personal", "privileged-legal"],
        legal_disclosure_review=None, preferred_region="india",
    )  # fmt: skip
    assert "popia-transfer" not in uk.regime_codes and "popia" not in uk.regime_codes
    (asked,) = [c.text for c in uk.conditions if c.text.startswith("Before personal information about people in South")]
    assert "check with counsel whether South Africa's POPIA reaches you" in asked and "s.3(1)(b)(ii)" in asked
    # Delivered from South Africa, the Act reaches it through its provider, once (review 167: two POPIA regimes
    # listed the operator contract and the breach process twice).
    there = evaluated_case(
        reference, UK_FIRM, client_jurisdictions=["other"], data_categories=["za-personal", "privileged-legal"],
        legal_disclosure_review=None, preferred_region="south-africa",
    )  # fmt: skip
    assert "popia" in there.regime_codes and "popia-transfer" not in there.regime_codes


def test_a_buyer_in_south_africa_is_not_told_it_is_domiciled_elsewhere(reference: Playbook) -> None:
    # Review 164: a South African insurer delivered from South Africa read POPIA's reach over a buyer "domiciled
    # elsewhere" (s.3(1)(b)(ii)) and the data's way "back out of South Africa, back to you", with the operator contract
    # and breach notice listed twice under two POPIA regimes.
    here = {"buyer_location": "south-africa", "client_jurisdictions": ["other"], "legal_disclosure_review": None}
    home = evaluated_case(
        reference, UK_FIRM, **here, data_categories=["za-personal", "privileged-legal"], preferred_region="south-africa"
    )
    assert home.delivered_from == "south-africa"
    assert "popia-transfer" in home.regime_codes and "popia" not in home.regime_codes
    # Review 168: nothing leaves South Africa, so no ground for sending it out is asked for.
    assert set(obligations(home, "popia-transfer")) == {"operator-contract", "breach-notice"}
    # Whoever the information is about, a buyer domiciled in South Africa is its responsible party (s.3(1)(b)(i)).
    abroad = evaluated_case(
        reference, UK_FIRM, **here, data_categories=["other-personal", "privileged-legal"], preferred_region="india"
    )
    assert abroad.delivered_from == "india"
    assert "popia-transfer" in abroad.regime_codes and "popia" not in abroad.regime_codes
    assert "popia-south-african-buyer" in {f.code for f in abroad.fired}
