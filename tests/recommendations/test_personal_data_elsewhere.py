"""Personal data of people outside the jurisdictions the reference playbook covers can be declared: it asks for
processor terms and says plainly that the country's own transfer rules are not covered."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CANADIAN = "Policyholder data from elsewhere: a Canadian life insurer"
NOT_COVERED = "Your country's rules on handing personal data to a provider are not covered here"
PROCESSOR = "Personal data moves before processor terms are in place"
CROSS_BORDER = "if it works from outside your country, check your country's cross-border transfer rule"


def evaluated(reference: Playbook, **changes: Any) -> Any:
    return evaluated_case(reference, CANADIAN, **changes)


def test_personal_data_of_people_elsewhere_asks_for_processor_terms_and_names_what_is_not_covered(
    reference: Playbook,
) -> None:
    ev = evaluated(reference)

    titles = {r.title for r in ev.risks}
    assert {NOT_COVERED, PROCESSOR} <= titles
    assert any(c.text.startswith("Sign processor terms") and CROSS_BORDER in c.text for c in ev.conditions)
    assert any(c.rule == "personal-data-processor-terms" and c.points == -5 for c in ev.fit_contributions)


def test_without_personal_data_nothing_is_said_about_it(reference: Playbook) -> None:
    ev = evaluated(reference, data_categories=["none"])

    assert not {NOT_COVERED, PROCESSOR} & {r.title for r in ev.risks}


TOKYO = "Tokyo electronics maker"
SAO_PAULO = "São Paulo bank: KYC refresh reviews"


def not_covered(ev: Any) -> list[str]:
    return [r.title for r in ev.risks if r.title.startswith("Your country's rules on handing personal data")]


@pytest.mark.parametrize(
    ("case", "location", "country", "named"),
    [
        (TOKYO, "japan-korea", "south-korea", "Korea's PIPA"),
        (CANADIAN, "canada-east", None, "PIPEDA, or Québec's private-sector privacy Act"),
        (CANADIAN, "singapore", "hong-kong", "Hong Kong's PDPO"),
        (CANADIAN, "singapore", "malaysia", "Malaysia's PDPA"),
        (CANADIAN, "mexico", None, "Mexico's LFPDPPP"),
    ],
)
def test_a_buyer_who_says_where_it_is_reads_its_own_countrys_law_named(
    reference: Playbook, case: str, location: str, country: str | None, named: str
) -> None:
    # A buyer in Japan reads the APPI itself (tests/compliance/test_japan.py), one in Singapore the PDPA; one in Korea,
    # Hong Kong or Malaysia has its own law named, and no law the product covers (review 164: a Korean buyer read
    # "Japan's APPI or Korea's PIPA; those rules are not covered here", a Hong Kong one "Singapore's PDPA, …").
    ev = evaluated_case(
        reference,
        case,
        buyer_location=location,
        buyer_japan_korea_country=country if location == "japan-korea" else None,
        buyer_apac_country=country if location == "singapore" else None,
    )

    assert not_covered(ev) == [
        f"Your country's rules on handing personal data to a provider ({named}) are not covered here"
    ]
    assert any(f"{CROSS_BORDER} ({named}; those rules are not covered here)" in c.text for c in ev.conditions)


def test_a_buyer_elsewhere_keeps_the_general_notice(reference: Playbook) -> None:
    assert not_covered(evaluated(reference, buyer_location="other")) == [NOT_COVERED]
    elsewhere = evaluated(reference, buyer_location="singapore", buyer_apac_country="elsewhere")
    assert not_covered(elsewhere) == [NOT_COVERED]
    assert not_covered(evaluated(reference, buyer_location=None)) == [NOT_COVERED]


def test_a_buyer_in_brazil_gets_the_lgpd_not_the_notice(reference: Playbook) -> None:
    ev = evaluated_case(reference, SAO_PAULO)

    assert "lgpd" in ev.regime_codes
    assert not_covered(ev) == []


def test_personal_data_of_people_in_brazil_is_covered_for_a_buyer_anywhere(reference: Playbook) -> None:
    for location in ("canada-east", "other", None):
        ev = evaluated(reference, buyer_location=location, data_categories=["brazil-personal"])

        assert "lgpd" in ev.regime_codes
        assert not_covered(ev) == []
        assert PROCESSOR in {r.title for r in ev.risks}


SYDNEY = "Sydney lender: credit-risk models on customer loan data"


def test_personal_information_about_people_in_australia_asks_for_processor_terms_like_any_other(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, SYDNEY)
    without = evaluated_case(reference, SYDNEY, data_categories=["none"])

    assert "au-privacy-app8" in ev.regime_codes
    assert PROCESSOR in {r.title for r in ev.risks}
    assert [c.points for c in ev.fit_contributions if c.rule == "personal-data-processor-terms"] == [-5]
    assert PROCESSOR not in {r.title for r in without.risks}
    # Counted once, beside other personal data: Californian data as well costs no more.
    both = evaluated_case(reference, SYDNEY, data_categories=["au-personal", "california-personal"])
    assert [c.points for c in both.fit_contributions if c.rule == "personal-data-processor-terms"] == [-5]


PUNE = "Pune drug maker: clinical data management on trial data that must stay in India"


def test_a_buyer_delivered_from_its_own_country_reads_no_transfer_as_if_the_data_left(reference: Playbook) -> None:
    # A Mexican buyer's data of people elsewhere, delivered from Mexico, and an Indian buyer whose data stays in
    # India: processor terms are asked for, a transfer rule only as what applies if the provider works abroad.
    mexican = evaluated_case(
        reference,
        PUNE,
        buyer_location="mexico",
        data_categories=["other-personal"],
        function="market-research-analytics",
    )
    indian = evaluated_case(reference, PUNE)

    assert mexican.delivered_from == "mexico"
    assert indian.delivered_from == "india"
    for ev in (mexican, indian):
        said = [r.title for r in ev.risks] + [c.text for c in ev.conditions]
        assert PROCESSOR in said
        assert not [s for s in said if "transfer" in s and CROSS_BORDER not in s], said
    assert [c.text for c in mexican.conditions if CROSS_BORDER in c.text] == [
        "Sign processor terms before personal data moves to the provider and, if it works from outside your country, "
        "check your country's cross-border transfer rule (Mexico's LFPDPPP; those rules are not covered here)"
    ]


def _obligations(ev: Any) -> set[str]:
    return {o["code"] for r in ev.regimes for _, _, items in r.obligations for o in items}


def test_a_transfer_abroad_is_asked_of_a_brazilian_bank_only_when_the_work_goes_abroad(reference: Playbook) -> None:
    at_home = evaluated_case(reference, SAO_PAULO, data_onshore_only=True)
    abroad = evaluated_case(reference, SAO_PAULO, data_onshore_only=False, preferred_region="india", overlap_hours=0)

    assert at_home.delivered_from == "brazil"
    assert {"lgpd", "bcb-4893"} <= set(at_home.regime_codes)
    assert not {"transfer-ground", "abroad-agreement"} & _obligations(at_home)
    assert abroad.delivered_from not in ("brazil", "")
    assert {"transfer-ground", "abroad-agreement"} <= _obligations(abroad)


def test_an_indian_buyer_whose_data_stays_in_india_is_not_told_to_watch_for_transfer_bars(reference: Playbook) -> None:
    at_home = evaluated_case(reference, PUNE)

    assert "dpdp" in at_home.regime_codes
    assert "watch-transfer-blacklist" not in _obligations(at_home)


def test_a_brazilian_bank_with_a_critical_function_is_pointed_to_the_central_banks_rule(reference: Playbook) -> None:
    bank = evaluated_case(reference, SAO_PAULO, critical_function=True)
    insurer = evaluated_case(reference, SAO_PAULO, critical_function=True, buyer_sector="insurer")

    (critical,) = [r for r in bank.risks if r.title == "A critical function depends on the provider"]
    assert "CMN Resolution 4,893/2021" in critical.mitigation and "your own regulator" not in critical.mitigation
    (elsewhere,) = [r for r in insurer.risks if r.title == "A critical function depends on the provider"]
    assert "Check what your own regulator expects" in elsewhere.mitigation
