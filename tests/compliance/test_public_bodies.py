"""A public body's personal data is under its own public-sector privacy law, not the CCPA or PIPEDA (which bind
businesses and commercial activity): it is told so, with a condition, instead of reading private-sector law."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import ONSHORE_ONLY_COST
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db

TEXTBOOK = "Textbook KPO: steady market analytics"
CCPA_RISK = (
    "A public body's personal data is under its own public-sector privacy law, not the CCPA, which is not covered here"
)
PIPEDA_RISK = (
    "A public body's personal data is under its own public-sector privacy law, not PIPEDA, which is not covered here"
)


def test_a_california_state_agency_does_not_read_the_ccpa_but_its_own_law(reference: Playbook) -> None:
    agency = evaluated_case(reference, TEXTBOOK, buyer_sector="public-body", data_categories=["california-personal"])
    assert "ccpa" not in {r.code for r in agency.regimes}
    [risk] = [r for r in agency.risks if r.title == CCPA_RISK]
    assert (
        risk.severity == "high"
        and "§ 1798.140(d)" in risk.mitigation
        and "Information Practices Act" in risk.mitigation
    )
    assert any(c.rule == "california-personal-data-public-body" for c in agency.conditions)
    business = evaluated_case(reference, TEXTBOOK, buyer_sector="other", data_categories=["california-personal"])
    assert "ccpa" in {r.code for r in business.regimes} and CCPA_RISK not in {r.title for r in business.risks}


def test_a_canadian_public_body_does_not_read_pipeda_or_quebecs_private_sector_act(reference: Playbook) -> None:
    changes = {"buyer_location": "canada-east", "buyer_us_zone": None, "data_categories": ["canada-personal"]}
    body = evaluated_case(reference, TEXTBOOK, buyer_sector="public-body", **changes)
    assert "pipeda" not in {r.code for r in body.regimes}
    titles = {r.title for r in body.risks}
    assert PIPEDA_RISK in titles and not any("Quebec's private-sector" in t for t in titles)
    [risk] = [r for r in body.risks if r.title == PIPEDA_RISK]
    assert "s. 4(1)(a)" in risk.mitigation and "Privacy Act" in risk.mitigation
    # What its law allows abroad waits on counsel: a gate, so never a plain "KPO wins" (review 38's Nova Scotia
    # crown corporation); and with no health data, no health-records risk.
    (gate,) = [g for g in body.gates if g.rule == "canada-personal-data-public-body"]
    assert "S.N.S. 2006, c. 3, s. 5(1)-(2)" in gate.text and body.verdict != "wins"
    assert not {"canada-health-custodian-provincial-law", "canada-health-records-public-body"} & {
        f.code for f in body.fired
    }
    health = evaluated_case(
        reference, TEXTBOOK, buyer_sector="public-body", **{**changes, "data_categories": ["canada-personal", "phi"]}
    )
    assert "canada-health-records-public-body" in {f.code for f in health.fired}
    business = evaluated_case(reference, TEXTBOOK, buyer_sector="other", **changes)
    assert "pipeda" in {r.code for r in business.regimes} and PIPEDA_RISK not in {r.title for r in business.risks}


FTI_RISK = "Federal tax information held by a public body is under IRC § 6103, which is not covered here"


def test_a_revenue_department_handing_over_tax_returns_is_told_section_6103_is_not_covered(reference: Playbook) -> None:
    agency = evaluated_case(
        reference, TEXTBOOK, buyer_sector="public-body", data_categories=["tax-returns"], tax_preparer=False
    )
    [risk] = [r for r in agency.risks if r.title == FTI_RISK]
    assert risk.severity == "high" and "§ 6103(p)(4)" in risk.mitigation and "Publication 1075" in risk.mitigation
    assert any(c.rule == "federal-tax-information-public-body" for c in agency.conditions)
    # Whether a contractor abroad may see it is the IRS's to answer: the verdict waits on it.
    # (A US public body's state law on offshore work is a gate of its own beside it.)
    gates = [g.rule for g in agency.gates]
    assert gates == ["federal-tax-information-public-body", "us-state-body-offshore-limits"], gates
    assert agency.verdict != "wins"
    # A tax preparer reads section 7216 instead; a company of another sector is not told about agencies' rules.
    preparer = evaluated_case(
        reference, TEXTBOOK, buyer_sector="public-body", data_categories=["tax-returns"], tax_preparer=True
    )
    assert FTI_RISK not in {r.title for r in preparer.risks} and "irc-7216" in {r.code for r in preparer.regimes}
    company = evaluated_case(
        reference, TEXTBOOK, buyer_sector="other", data_categories=["tax-returns"], tax_preparer=False
    )
    assert FTI_RISK not in {r.title for r in company.risks}


def test_federal_tax_information_an_agency_says_it_holds_is_kept_onshore(reference: Playbook) -> None:
    """Publication 1075 does not allow offshore operations on federal tax information: an agency that says the returns
    include some is blocked from offshore delivery, not told a saving from India with a question for the IRS (review
    84). Its own state's tax information alone reads neither; not knowing keeps the question and its gate."""
    changes = {"buyer_sector": "public-body", "data_categories": ["tax-returns"], "tax_preparer": False}
    federal = evaluated_case(reference, TEXTBOOK, **changes, federal_tax_information="yes")
    (blocker,) = [b for b in federal.blockers if b.rule == "federal-tax-information-offshore"]
    assert federal.verdict == "doesnt_win" and "Publication 1075" in blocker.reason
    assert "45 days' notice" in blocker.reason and FTI_RISK not in {r.title for r in federal.risks}
    # An onshore provider is still a contractor under Publication 1075: what its contract and people need before they
    # see the data, as a regime whose obligations the compliance section, the memo and the obligations CSV list
    # (reviews 155 and 157: a condition showed only among the rules, a risk on no checklist).
    (regime,) = [r for r in federal.regimes if r.code == "irs-pub-1075"]
    duties = {o["code"]: (o["citation"], o["action"]) for _p, _l, items in regime.obligations for o in items}
    assert set(duties) == {"notify-safeguards", "contract-language", "penalty-notice", "onshore-only"}
    assert "Exhibit 7" in duties["contract-language"][0] and "45 days before" in duties["notify-safeguards"][1]
    assert "7213, 7213A and 7431" in duties["penalty-notice"][0]
    state = evaluated_case(reference, TEXTBOOK, **changes, federal_tax_information="no")
    assert "irs-pub-1075" not in {r.code for r in state.regimes}
    state = evaluated_case(reference, TEXTBOOK, **changes, federal_tax_information="no")
    assert not {"federal-tax-information-offshore", "federal-tax-information-public-body"} & fired_codes(state)
    for answer in ("unsure", None):
        unsure = evaluated_case(reference, TEXTBOOK, **changes, federal_tax_information=answer)
        assert "federal-tax-information-public-body" in fired_codes(unsure)
        assert "federal-tax-information-offshore" not in fired_codes(unsure)


def test_federal_tax_information_ranks_no_offshore_location_and_prices_no_offshore_saving(reference: Playbook) -> None:
    """Review 144: beside the blocker saying Publication 1075 allows no offshore access, the result ranked Colombia
    first, listed Colombia's data law and priced an offshore saving "were it not blocked". Like a Medicaid ban, the
    answer now keeps the data in the United States: every location abroad excluded, no law of one read, no offshore
    cost; the buyer's own law still applies."""
    changes = {"buyer_sector": "public-body", "data_categories": ["tax-returns"], "tax_preparer": False}
    ev = evaluated_case(reference, TEXTBOOK, **changes, federal_tax_information="yes")
    data = next(r for r in ev.requirements if r.code == "data_location")
    assert data.text == "Data processed only in your own country, with no access from abroad"
    assert data.because == (
        "your answer: the work involves federal tax information, which IRS Publication 1075 allows no offshore access "
        "to",
    )
    assert ev.locations and all(loc.excluded_because for loc in ev.locations) and ev.delivered_from == ""
    assert not [r for r in ev.regimes if "Colombia" in r.name or "1581" in r.name]
    assert not ev.cost.available and ev.cost.reason == ONSHORE_ONLY_COST
    # Not federal, or not known: delivery abroad stays open, as before.
    for answer in ("no", "unsure"):
        other = evaluated_case(reference, TEXTBOOK, **changes, federal_tax_information=answer)
        assert not any(r.code == "data_location" for r in other.requirements)
        assert other.delivered_from and other.cost.available


def test_federal_tax_information_trade_offs_never_ask_for_permission_to_go_offshore(reference: Playbook) -> None:
    # Review 147: the trade-offs offered delivery from India "only if the law … permits access from there in writing",
    # where Publication 1075 allows no offshore access whatever is asked; only the other work may go.
    changes = {"buyer_sector": "public-body", "data_categories": ["tax-returns"], "tax_preparer": False}
    ev = evaluated_case(reference, TEXTBOOK, **changes, federal_tax_information="yes")
    options = [o for c in ev.conflicts for o in c.options]
    assert options and not [o for o in options if "permits access from there in writing" in o.text]
    # The option a trade-off with another requirement offers for such data (``requirements._relax``).
    from apps.playbooks.engine import requirements as req

    data = next(r for r in ev.requirements if r.code == "data_location")
    kept = req.Requirement(data.code, data.code, data.text, (), tuple(data.because))
    india = {"india": {"name": "India"}}
    option = req._relax(kept, req.derive({}, {}), india, ["india"], ())
    assert option.text == "Deliver from India only work that involves no federal tax information"
    assert "whatever permission is asked" in option.costs
    banned = req.Requirement("data_location", "data_location", data.text, (), (req.BANNED_BECAUSE,))
    assert (
        "none of the data the rules ban offshore work on"
        in req._relax(banned, req.derive({}, {}), india, ["india"], ()).text
    )


def test_a_public_body_that_also_prepares_returns_is_still_asked_about_federal_tax_information(
    reference: Playbook,
) -> None:
    # Review 151: answering that it prepares returns for others hid the question, and the ban with it.
    changes = {"buyer_sector": "public-body", "data_categories": ["tax-returns"], "tax_preparer": True}
    ev = evaluated_case(reference, TEXTBOOK, **changes, federal_tax_information="yes")
    assert "federal_tax_information" in ev.visible
    assert "federal-tax-information-offshore" in {b.rule for b in ev.blockers}
