"""Research a buyer in (or regulated in) the EU or the UK publishes, written by the provider's analysts, is an
investment recommendation: the market abuse rules on recommendations apply (MAR Art. 20(1) and Delegated Regulation
(EU) 2016/958; the UK texts for a UK buyer), with the condition to name everyone involved in producing it (review
159: an EU firm publishing provider-written research read "KPO wins" with no such duty, the US equivalent blocked)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_market_abuse import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
EU = "EU asset manager: outsourced sector research with EU client data"
UK = "UK wealth manager: buying sector research"
LONDON_DESK = "Research desk in London for an EU-authorised asset manager"
US = "US hedge fund: steady equity research support"
WRITES = {"research_authorship": "provider-writes"}
EU_DR = "https://eur-lex.europa.eu/eli/reg_del/2016/958/oj"
UK_DR = "https://www.legislation.gov.uk/eur/2016/958/contents"


def _conditions(ev: object) -> list[str]:
    return [c.text for c in ev.conditions]  # type: ignore[attr-defined]


def test_an_eu_firm_publishing_provider_written_research_reads_mar_article_20(reference: Playbook) -> None:
    ev = evaluated_case(reference, EU, **WRITES)
    assert "eu-mar-recommendations" in ev.regime_codes and "uk-mar-recommendations" not in ev.regime_codes
    duties = obligations(ev, "eu-mar-recommendations")
    assert duties["name-producers"] == ("Delegated Regulation (EU) 2016/958, Art. 2(1); MAR Art. 20(1)", EU_DR)
    assert duties["objective-presentation"][0] == "Delegated Regulation (EU) 2016/958, Arts. 3 and 4"
    assert duties["conflicts"][0] == "Delegated Regulation (EU) 2016/958, Arts. 5 and 6; MAR Art. 20(1)"
    (said,) = [c for c in _conditions(ev) if "names everyone involved in producing it" in c]
    assert "(Delegated Regulation (EU) 2016/958, Arts. 2(1), 5 and 6; MAR Art. 20(1))" in said
    # A condition, not a gate: naming the analysts is the buyer's to settle, not someone else's to refuse.
    assert not ev.gates


def test_a_uk_firm_reads_the_uk_texts(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK, **WRITES)
    assert "uk-mar-recommendations" in ev.regime_codes and "eu-mar-recommendations" not in ev.regime_codes
    assert obligations(ev, "uk-mar-recommendations")["name-producers"] == (
        "Regulation 2016/958 (UK text), Art. 2(1); UK MAR Art. 20(1)",
        UK_DR,
    )


def test_a_london_desk_of_an_eu_authorised_firm_reads_both_once(reference: Playbook) -> None:
    ev = evaluated_case(reference, LONDON_DESK, **WRITES)
    assert {"eu-mar-recommendations", "uk-mar-recommendations"} <= set(ev.regime_codes)
    assert len([c for c in _conditions(ev) if "names everyone involved in producing it" in c]) == 2  # one a text


@pytest.mark.parametrize("authorship", ["internal-use", "onshore-adopts"])
def test_research_the_provider_does_not_write_reads_none(reference: Playbook, authorship: str) -> None:
    ev = evaluated_case(reference, EU, research_authorship=authorship)
    assert not {"eu-mar-recommendations", "uk-mar-recommendations"} & set(ev.regime_codes)


def test_a_us_buyer_reads_none(reference: Playbook) -> None:
    ev = evaluated_case(reference, US, **WRITES)
    assert not {"eu-mar-recommendations", "uk-mar-recommendations"} & set(ev.regime_codes)


@pytest.mark.parametrize("country", ["switzerland", "outside-eu"])
def test_a_buyer_in_europe_outside_the_eu_reads_mar_for_instruments_traded_in_the_eu(
    reference: Playbook, country: str
) -> None:
    # Review 162: a Zurich buyer read "a buyer in the EU"; MAR reaches research on instruments traded on an EU venue
    # wherever its producer is (Art. 2(1), (4)).
    for regulated in ("eu", "other"):
        ev = evaluated_case(reference, EU, buyer_eu_country=country, buyer_regulated_in=regulated, **WRITES)
        assert "eu-mar-recommendations" in ev.regime_codes
        said = [c for c in _conditions(ev) if "names everyone involved in producing it" in c]
        assert len(said) == 1 and said[0].startswith("Where the research covers issuers or instruments traded on an EU")
        assert "mar-recommendations-eu-buyer" not in {f.code for f in ev.fired}
