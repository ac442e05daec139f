"""The matcher on plain data: each hard requirement from both sides, and the ranking."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from apps.recommendations.snapshot import SCHEMA_VERSION, Snapshot, read_snapshot
from apps.vendors.matching import (
    LocationFacts,
    Needs,
    RateRange,
    Requirement,
    VendorFacts,
    match,
    match_one,
    needs_from_snapshot,
)

TODAY = datetime.date(2026, 11, 26)
INDIA = LocationFacts("india", "India", overlap_us=0, overlap_uk=3, gdpr_transfer="needs_sccs")
POLAND = LocationFacts("poland", "Poland", overlap_us=2, overlap_uk=7, gdpr_transfer="in_eea")
ARGENTINA = LocationFacts("argentina", "Argentina", overlap_us=6.5, overlap_uk=4.5, gdpr_transfer="adequate")
MEXICO = LocationFacts("mexico", "Mexico", overlap_us=6.5, overlap_uk=1.5, gdpr_transfer="needs_sccs")
RATES = {"coding": RateRange(10, 12, 14)}


def regime(code: str, name: str = "") -> dict[str, Any]:
    return {
        "code": code,
        "name": name or code.upper(),
        "kind": "law",
        "jurisdiction": "",
        "summary": "",
        "because": [],
        "obligations": [],
    }


def snap(
    *regimes: str | dict[str, Any],
    inputs: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
    function: str = "coding",
    excluded: dict[str, list[str]] | None = None,
    yours: Mapping[str, float] | None = None,
) -> Snapshot:
    """A stored snapshot (current version) with ``regimes`` triggered (codes, stored without their provider
    requirement as before it was curated, or whole regimes) and ``inputs`` by role; ``answers``
    are the answers by question code, which the matcher must not read; ``excluded`` the reasons the recommendation
    stored for the locations it excluded, and ``yours`` the overlap it stored with the buyer's day, by location code."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "title": "Coding",
        "created": "2026-11-26T09:00:00+00:00",
        "engine_version": "1.0",
        "playbook": {"id": 1, "version": 1, "title": "Playbook"},
        "thresholds": {"wins": 65, "conditional": 45},
        "sections": {},
        "answered": [],
        "stored_answers": answers or {},
        "inputs": {"function": function, **(inputs or {})},
        "function": {"code": function, "name": "Medical coding"},
        "evaluation": {
            "playbook_id": 1,
            "playbook_version": 1,
            "visible": [],
            "visible_sections": [],
            "answers": answers or {},
            "missing_required": [],
            "fit_score": 70,
            "unblocked_score": 70,
            "verdict": "wins",
            "verdict_label": "KPO wins",
            "top_model": "managed",
            "blockers": [],
            "fired": [],
            "fit_contributions": [],
            "regimes": [r if isinstance(r, dict) else regime(r) for r in regimes],
            "risks": [],
            "models": [
                {"code": "managed", "name": "Managed services", "score": 10, "contributions": []},
                {"code": "pool", "name": "Shared pool", "score": 5, "contributions": []},
            ],
            "locations": [
                {
                    "code": loc.code,
                    "name": loc.name,
                    "score": 0,
                    "overlap_us": loc.overlap_us,
                    "overlap_uk": loc.overlap_uk,
                    "gdpr_transfer": loc.gdpr_transfer,
                    "contributions": [],
                    "excluded_because": (excluded or {}).get(loc.code, []),
                    "overlap_yours": (yours or {}).get(loc.code),
                }
                for loc in (POLAND, ARGENTINA, INDIA, MEXICO)
            ],  # fmt: skip
            "cost": {
                "available": True,
                "annual_hours": 1000,
                "team_size": 5,
                "models": [
                    {
                        "model": "managed",
                        "name": "Managed services",
                        "basis": "outcome",
                        "annual": [9000, 12000, 15000],
                        "horizon": [27000, 36000, 45000],
                        "savings": [0, 1, 2],
                        "savings_percent": None,
                        "formula": "",
                        "inputs": [],
                        "weak": False,
                    }
                ],
            },
        },
    }
    return read_snapshot(document)


def vendor(**overrides: Any) -> VendorFacts:
    values: dict[str, Any] = {
        "code": "v",
        "name": "Vendor",
        "locations": (INDIA,),
        "models": frozenset({"managed"}),
        "rates": RATES,
        "capabilities": frozenset(),
        "soc2_report_date": TODAY - datetime.timedelta(days=100),
        "capacity_fte": 50,
        "last_verified": TODAY,
    }
    values.update(overrides)
    return VendorFacts(**values)


def failures(snapshot: Snapshot, v: VendorFacts) -> list[str]:
    return [f.requirement.code for f in match_one(needs_from_snapshot(snapshot), v, today=TODAY).failures]


# Each hard requirement, from both sides


def test_the_function_must_be_covered() -> None:
    assert failures(snap(), vendor()) == []
    result = match_one(needs_from_snapshot(snap()), vendor(rates={"legal": RateRange(1, 2, 3)}), today=TODAY)
    assert [f.detail for f in result.failures] == ["Does not cover Medical coding."]


def test_no_function_answer_means_no_function_requirement() -> None:
    assert failures(snap(function="other"), vendor(rates={})) == []


def test_hipaa_needs_a_vendor_that_signs_a_baa() -> None:
    assert failures(snap("hipaa"), vendor()) == ["hipaa-baa"]
    assert failures(snap("hipaa"), vendor(capabilities=frozenset({"signs_hipaa_baa"}))) == []


@pytest.mark.parametrize(
    ("locations", "capabilities", "fails"),
    [
        ((INDIA,), frozenset(), True),  # not adequate, no SCCs
        ((INDIA,), frozenset({"offers_scc_module_2"}), False),  # SCCs cover India
        ((POLAND,), frozenset(), False),  # inside the EEA
        ((ARGENTINA,), frozenset(), False),  # adequacy decision
        ((INDIA, POLAND), frozenset(), False),  # can deliver from Poland
    ],
)
def test_gdpr_needs_an_adequate_location_or_scc_module_2(
    locations: tuple[LocationFacts, ...], capabilities: frozenset[str], fails: bool
) -> None:
    got = failures(snap("gdpr"), vendor(locations=locations, capabilities=capabilities))
    assert got == (["gdpr-transfer"] if fails else [])


def test_gdpr_failure_names_the_locations() -> None:
    result = match_one(needs_from_snapshot(snap("gdpr")), vendor(), today=TODAY)
    assert result.failures[0].detail == (
        "Delivers only from India, which is neither inside the EEA nor adequate, and does not sign the EU SCCs "
        "(module 2; module 3 where you process the data for clients)."
    )


@pytest.mark.parametrize(
    ("locations", "capabilities", "fails"),
    [
        ((INDIA,), frozenset(), True),
        ((ARGENTINA,), frozenset(), True),  # EU-adequate is not taken as UK-adequate
        ((INDIA,), frozenset({"offers_uk_addendum"}), False),
        ((POLAND,), frozenset(), False),
        # Recorded as covered by the UK's adequacy regulations, as the result page says (review 101), or not.
        ((dataclasses.replace(ARGENTINA, uk_adequate=True),), frozenset(), False),
        ((dataclasses.replace(ARGENTINA, code="brazil", name="Brazil", uk_adequate=False),), frozenset(), True),
    ],
)
def test_uk_gdpr_needs_the_eea_or_the_uk_addendum(
    locations: tuple[LocationFacts, ...], capabilities: frozenset[str], fails: bool
) -> None:
    got = failures(snap("uk-gdpr"), vendor(locations=locations, capabilities=capabilities))
    assert got == (["uk-transfer"] if fails else [])


@pytest.mark.parametrize(
    ("regime_code", "capability", "requirement"),
    [
        ("dpdp", "offers_dpdp_terms", "dpdp-terms"),
        ("mifid2", "grants_mifid_audit_rights", "mifid-audit"),
        ("reg-ac", "supports_reg_ac", "reg-ac"),
    ],
)
def test_contract_capabilities_each_regime_requires(regime_code: str, capability: str, requirement: str) -> None:
    assert failures(snap(regime_code), vendor()) == [requirement]
    assert failures(snap(regime_code), vendor(capabilities=frozenset({capability}))) == []


def test_the_overlap_needed_rules_out_locations_without_it() -> None:
    us_four = snap(inputs={"overlap_hours": 4, "buyer_location": "us"})
    assert failures(us_four, vendor(locations=(INDIA,))) == ["overlap"]
    assert failures(us_four, vendor(locations=(INDIA, MEXICO))) == []
    detail = match_one(needs_from_snapshot(us_four), vendor(), today=TODAY).failures[0].detail
    assert detail == "Its one location, India, does not give 4 h of overlap with US Eastern time."


def test_a_uk_or_eu_buyer_is_measured_against_uk_overlap() -> None:
    uk_five = snap(inputs={"overlap_hours": 5, "buyer_location": "eu"})
    assert failures(uk_five, vendor(locations=(MEXICO,))) == ["overlap"]
    assert failures(uk_five, vendor(locations=(POLAND,))) == []


def test_a_team_in_ireland_is_matched_on_irish_time_the_uks_clock() -> None:
    irish = snap(inputs={"overlap_hours": 5, "buyer_location": "eu", "buyer_country": "ireland"})
    assert failures(irish, vendor(locations=(MEXICO,))) == ["overlap"]
    assert failures(irish, vendor(locations=(POLAND,))) == []
    needs = needs_from_snapshot(irish)
    assert needs.overlap_figure == "uk"
    assert needs.overlap_label == "the Irish (UTC+0, +1 in summer, the UK's clock) working day"
    continental = needs_from_snapshot(
        snap(inputs={"overlap_hours": 5, "buyer_location": "eu", "buyer_country": "france"})
    )
    assert continental.overlap_label == "the UK"


def test_a_us_team_on_pacific_time_is_matched_on_the_overlap_the_recommendation_stored_for_its_day() -> None:
    # Poland overlaps New York 2 h and a Pacific day not at all: the recommendation stored 0 for it.
    seattle = snap(
        inputs={"overlap_hours": 2, "buyer_location": "us", "buyer_zone": "pacific"},
        yours={"poland": 0, "argentina": 5, "india": 0, "mexico": 7},
    )
    poland, mexico = replace(POLAND, overlap_yours=0), replace(MEXICO, overlap_yours=7)
    assert failures(seattle, vendor(locations=(poland,))) == ["overlap"]
    assert failures(seattle, vendor(locations=(mexico,))) == []
    needs = needs_from_snapshot(seattle)
    assert needs.overlap_figure == "yours"
    assert needs.overlap_label == "the US Pacific (UTC−8, −7 in summer) working day"
    new_york = snap(inputs={"overlap_hours": 2, "buyer_location": "us", "buyer_zone": "eastern"})
    assert needs_from_snapshot(new_york).overlap_label == "US Eastern time"
    assert failures(new_york, vendor(locations=(POLAND,))) == []


def test_no_overlap_needed_or_a_buyer_elsewhere_rules_nothing_out() -> None:
    assert failures(snap(inputs={"overlap_hours": 0, "buyer_location": "us"}), vendor()) == []
    assert failures(snap(inputs={"overlap_hours": 6, "buyer_location": "other"}), vendor()) == []


def test_one_location_must_meet_overlap_and_transfer_together() -> None:
    # Mexico has the overlap but needs SCCs; Poland is in the EEA but has 2 h with New York.
    both = snap("gdpr", inputs={"overlap_hours": 4, "buyer_location": "us"})
    result = match_one(needs_from_snapshot(both), vendor(locations=(MEXICO, POLAND)), today=TODAY)
    assert [f.requirement.code for f in result.failures] == ["locations"]
    assert "None of its locations (Mexico, Poland) both" in result.failures[0].detail
    fixed = vendor(locations=(MEXICO, POLAND), capabilities=frozenset({"offers_scc_module_2"}))
    assert failures(both, fixed) == []


def test_assurance_excludes_only_when_the_buyer_requires_it() -> None:
    no_report = vendor(soc2_report_date=None)
    assert failures(snap("soc2", "iso27001"), no_report) == []  # triggered by the data: ranking only
    required = snap("soc2", "iso27001", inputs={"vendor_assurance": ["soc2", "iso27001"]})
    assert failures(required, no_report) == ["soc2", "iso27001"]
    certified = vendor(iso27001_valid_until=TODAY + datetime.timedelta(days=1))
    assert failures(required, certified) == []
    expired = vendor(iso27001_valid_until=TODAY - datetime.timedelta(days=1))
    assert failures(required, expired) == ["iso27001"]


def test_every_failing_requirement_is_listed() -> None:
    result = match_one(needs_from_snapshot(snap("hipaa", "gdpr", "dpdp")), vendor(rates={}), today=TODAY)
    assert [f.requirement.code for f in result.failures] == ["function", "hipaa-baa", "gdpr-transfer", "dpdp-terms"]
    assert not result.eligible and result.score == 0


def test_requirements_say_why_they_apply() -> None:
    needs = needs_from_snapshot(snap("hipaa", inputs={"overlap_hours": 3, "buyer_location": "uk"}))
    assert [r.code for r in needs.requirements] == ["function", "overlap", "hipaa-baa"]
    assert needs.requirements[1].label == "Delivers from a location with at least 3 h of overlap with the UK"
    assert needs.requirements[2].because == "HIPAA applies"


def test_requirements_come_from_roles_not_question_codes() -> None:
    # A playbook whose overlap and assurance questions carry no role (or other codes): the answers under the
    # reference playbook's codes must not switch a requirement on, and the role's answer must.
    by_code = snap("soc2", answers={"overlap_hours": 6, "buyer_location": "us", "vendor_assurance": ["soc2"]})
    assert [r.code for r in needs_from_snapshot(by_code).requirements] == ["function"]
    by_role = snap(
        "soc2",
        answers={"hours_live": 6},
        inputs={"overlap_hours": 6, "buyer_location": "us", "vendor_assurance": ["soc2"]},
    )
    assert [r.code for r in needs_from_snapshot(by_role).requirements] == ["function", "overlap", "soc2"]


def test_a_snapshot_without_inputs_or_regimes_needs_only_the_function() -> None:
    needs = needs_from_snapshot(snap(function="other"))
    assert needs.requirements == ()
    assert match(needs, [vendor()], today=TODAY).ranked[0].vendor.code == "v"


# Ranking


def test_the_hourly_budget_is_the_top_models_cost_per_hour() -> None:
    needs = needs_from_snapshot(snap())
    assert needs.hourly_budget == (9.0, 12.0, 15.0)
    assert needs.budget_model == "Managed services"


def test_ranking_order_follows_the_transparent_score() -> None:
    needs = needs_from_snapshot(snap())
    best = vendor(code="best", name="Best", locations=(POLAND,), iso27001_valid_until=TODAY)
    middle = vendor(code="middle", name="Middle", models=frozenset({"pool"}))
    worst = vendor(
        code="worst",
        name="Worst",
        models=frozenset({"other"}),
        rates={"coding": RateRange(40, 50, 60)},
        soc2_report_date=TODAY - datetime.timedelta(days=500),
    )
    result = match(needs, [worst, middle, best], today=TODAY)
    assert [m.vendor.code for m in result.ranked] == ["best", "middle", "worst"]
    top = result.ranked[0]
    assert [r.points for r in top.reasons] == [30, 10, 25, 15, 10, 5, 5]
    assert top.score == sum(r.points for r in top.reasons) == 100
    assert top.reasons[0].text == "Offers Managed services, the recommended model"
    assert top.reasons[2].text == "Delivers from Poland, ranked 1st of 4 locations for this work"
    assert top.reasons[3].text.startswith(
        "Likely rate $12/h sits within the recommendation's all-in cost of $9–$15 an hour of work for"
    )
    # A provider cheaper than the whole cost scores no less than one within it (review 96).
    cheaper = match(needs, [vendor(code="cheap", name="Cheap", rates={"coding": RateRange(4, 5, 6)})], today=TODAY)
    within = match(needs, [vendor(code="within", name="Within")], today=TODAY)
    assert cheaper.ranked[0].score >= within.ranked[0].score
    assert result.ranked[1].reasons[0].points == 15  # the second-ranked model
    bottom = result.ranked[2]
    assert any(r.points == -10 for r in bottom.reasons)
    assert any("over 12 months old" in c for c in bottom.cautions)
    assert any("none of the three best-ranked" in c for c in bottom.cautions)


def test_ties_are_broken_by_name() -> None:
    needs = needs_from_snapshot(snap())
    result = match(needs, [vendor(code="b", name="Beta"), vendor(code="a", name="alpha")], today=TODAY)
    assert [m.vendor.code for m in result.ranked] == ["a", "b"]


def test_capacity_below_the_team_is_a_caution_not_an_exclusion() -> None:
    result = match_one(needs_from_snapshot(snap()), vendor(capacity_fte=2), today=TODAY)
    assert result.eligible
    assert "Capacity of 2 FTE is below the 5 people needed." in result.cautions


def test_a_stale_directory_entry_is_flagged() -> None:
    stale = vendor(last_verified=TODAY - datetime.timedelta(days=400))
    result = match_one(needs_from_snapshot(snap()), stale, today=TODAY)
    assert any("last verified" in c for c in result.cautions)


def test_rates_against_the_budget() -> None:
    needs = Needs(requirements=(Requirement("function", "", ""),), function="coding", hourly_budget=(10, 20, 30))
    below = match_one(needs, vendor(rates={"coding": RateRange(5, 6, 8)}), today=TODAY)
    overlaps = match_one(needs, vendor(rates={"coding": RateRange(25, 35, 40)}), today=TODAY)
    unknown = match_one(needs, vendor(rates={"coding": RateRange(None, None, None)}), today=TODAY)
    assert [r.points for r in below.reasons if "Rates" in r.text] == [15]  # no less than within it (review 96)
    assert [r.points for r in overlaps.reasons if "Rates" in r.text] == [5]
    assert any("No hourly rate on record" in c for c in unknown.cautions)


def test_a_singapore_buyers_overlap_is_the_one_the_recommendation_stored_and_eastern_canada_reads_us_eastern() -> None:
    from apps.vendors.matching import OVERLAP_FIGURE

    manila = LocationFacts("philippines", "Philippines", overlap_us=0, overlap_uk=0.5, overlap_yours=8)
    assert manila.overlap(OVERLAP_FIGURE["singapore"]) == 8
    assert manila.overlap(OVERLAP_FIGURE["canada-east"]) == 0


def test_data_kept_in_the_country_is_met_only_by_a_location_in_the_buyers_own_country() -> None:
    brazil = LocationFacts("brazil", "Brazil", overlap_us=6, overlap_uk=4, gdpr_transfer="needs_sccs")
    onshore = Requirement("onshore", "Delivers from inside your own country", "")
    in_brazil = Needs(requirements=(onshore,), home="brazil")
    assert match_one(in_brazil, vendor(locations=(INDIA, brazil)), today=TODAY).failures == ()
    [failure] = match_one(in_brazil, vendor(locations=(INDIA, MEXICO)), today=TODAY).failures
    assert (
        failure.detail
        == "Delivers only from India, Mexico: offshore delivery, and your data may not leave your country."
    )
    # a buyer whose country the catalogue does not hold has no provider at home in the directory
    assert match_one(Needs(requirements=(onshore,)), vendor(locations=(brazil,)), today=TODAY).failures
    assert needs_from_snapshot(snap(inputs={"buyer_location": "brazil"})).home == "brazil"
    assert needs_from_snapshot(snap(inputs={"buyer_location": "us"})).home == ""


# Locations the recommendation excluded

INDIA_TOO_FAR = "India overlaps 0 h with your working day; you need 4 h"
MEXICO_ABROAD = "Mexico would be offshore delivery, ruled out: your data may not be accessed from outside your country"


def test_a_provider_delivering_only_from_excluded_locations_fails_with_the_recommendations_reasons() -> None:
    snapshot = snap(excluded={"india": [INDIA_TOO_FAR], "mexico": [MEXICO_ABROAD]})
    needs = needs_from_snapshot(snapshot)
    allowed = next(r for r in needs.requirements if r.code == "allowed_location")
    assert allowed.label == "Delivers from a location the recommendation did not exclude"
    assert allowed.because == (
        "The recommendation excluded 2 of its 4 delivery locations for what you require; its page lists each one "
        "and why"
    )

    [failure] = match_one(needs, vendor(locations=(INDIA, MEXICO)), today=TODAY).failures
    assert failure.requirement.code == "allowed_location"
    assert failure.detail == (
        "Delivers only from locations the recommendation excluded: India overlaps 0 h with your working day; you "
        "need 4 h. Mexico would be offshore delivery, ruled out: your data may not be accessed from outside your "
        "country."
    )


def test_a_provider_with_an_allowed_location_is_scored_on_it_alone() -> None:
    needs = needs_from_snapshot(snap(excluded={"poland": ["Poland is not where your data may be processed"]}))
    both = match_one(needs, vendor(locations=(POLAND, MEXICO)), today=TODAY)

    assert both.eligible and both.usable_locations == (MEXICO,)
    # Poland is ranked 1st but excluded; Mexico, 4th, is the location the provider is scored on
    assert "Delivers from Mexico, ranked 4th of 4 locations for this work" in [r.text for r in both.reasons]


def test_an_excluded_location_does_not_meet_a_location_requirement_for_a_provider_with_others() -> None:
    needs = needs_from_snapshot(snap("gdpr", excluded={"poland": ["Poland is not where your data may be processed"]}))

    result = match_one(needs, vendor(locations=(POLAND, INDIA)), today=TODAY)

    [failure] = result.failures
    assert failure.requirement.code == "gdpr-transfer"
    detail = failure.detail
    assert detail == (
        "Delivers only from India, which is neither inside the EEA nor adequate, and does not sign the EU SCCs "
        "(module 2; module 3 where you process the data for clients)."
    )


def test_a_recommendation_stored_before_exclusions_were_recorded_reads_as_it_did() -> None:
    needs = needs_from_snapshot(snap())

    assert "allowed_location" not in needs.codes
    assert match_one(needs, vendor(locations=(INDIA,)), today=TODAY).usable_locations == (INDIA,)


def test_a_provider_in_the_buyers_own_country_is_scored_on_it_as_the_onshore_option() -> None:
    needs = needs_from_snapshot(snap(inputs={"buyer_location": "mexico"}))
    at_home = match_one(needs, vendor(locations=(MEXICO,)), today=TODAY)

    assert at_home.eligible and at_home.usable_locations == (MEXICO,)
    assert "Delivers from Mexico, your own country: the onshore option, ranked 4th of 4 locations for this work" in [
        r.text for r in at_home.reasons
    ]
    # for a buyer elsewhere Mexico is one more location abroad
    abroad = match_one(
        needs_from_snapshot(snap(inputs={"buyer_location": "us"})), vendor(locations=(MEXICO,)), today=TODAY
    )
    assert "Delivers from Mexico, ranked 4th of 4 locations for this work" in [r.text for r in abroad.reasons]


def test_the_buyers_own_country_excluded_by_a_recommendation_stored_before_it_was_ranked_stays_open() -> None:
    home = "Mexico is your own country: delivering from there is onshore"
    needs = needs_from_snapshot(snap(inputs={"buyer_location": "mexico"}, excluded={"mexico": [home]}))

    assert "allowed_location" not in needs.codes
    assert match_one(needs, vendor(locations=(MEXICO,)), today=TODAY).usable_locations == (MEXICO,)


def test_a_us_buyer_on_shifted_hours_is_matched_on_the_shifted_overlap_the_recommendation_stored() -> None:
    # India's day moved 4 h later gives 2 h with a US Eastern day; unshifted it gives none
    shifted = {"india": 2, "poland": 6, "argentina": 8, "mexico": 8}
    needs = needs_from_snapshot(snap(inputs={"buyer_location": "us", "overlap_hours": 2}, yours=shifted))

    overlap = next(r for r in needs.requirements if r.code == "overlap")
    assert overlap.label == (
        "Delivers from a location with at least 2 h of overlap with US Eastern time, provider staff working the "
        "shifted day you accepted"
    )
    # a provider's locations carry the figures the recommendation stored (queries.vendor_facts)
    india = next(loc for loc in needs.locations if loc.code == "india")
    assert match_one(needs, vendor(locations=(india,)), today=TODAY).eligible
    # without the shifted day, the catalogue's US Eastern figure as before
    plain = needs_from_snapshot(snap(inputs={"buyer_location": "us", "overlap_hours": 2}))
    assert failures(snap(inputs={"buyer_location": "us", "overlap_hours": 2}), vendor(locations=(INDIA,))) == [
        "overlap"
    ]
    assert plain.overlap_figure == "us"


def test_the_uk_adequacy_recorded_with_a_result_is_read_back_from_its_words() -> None:
    from apps.engagements.models import DeliveryLocation
    from apps.vendors.matching import _uk_adequate

    assert _uk_adequate(DeliveryLocation.UkTransfer.ADEQUATE.label) is True
    assert _uk_adequate(DeliveryLocation.UkTransfer.NEEDS_IDTA.label) is False
    assert _uk_adequate("") is None and _uk_adequate(None) is None and _uk_adequate("something else") is None
