"""One set of requirements: derived from answers by role and triggered regimes, checked against the
reference catalogue's delivery locations and engagement models, with the trade-offs named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apps.playbooks.engine import requirements as req

REFERENCE = Path(__file__).resolve().parents[2] / "apps" / "engagements" / "reference"


def _locations() -> dict[str, dict[str, Any]]:
    """The catalogue's locations in the shape of a published playbook's snapshot."""
    items = json.loads((REFERENCE / "delivery_locations.json").read_text())["items"]
    return {
        loc["code"]: {
            "name": loc["name"],
            "name_in_text": loc["name_in_text"],
            "region": loc["region"],
            "overlap_us": loc["overlap_us_eastern_hours"],
            "overlap_uk": loc["overlap_uk_hours"],
            "gdpr_transfer": loc["gdpr_transfer"],
            "cost_index": float(loc["cost_index"]),
            "utc_offset_minutes": loc["utc_offset_minutes"],
            "summer_time": not loc["dst_rule"].lower().startswith("none"),
        }
        for loc in items
    }


def _models() -> dict[str, dict[str, Any]]:
    items = json.loads((REFERENCE / "engagement_models.json").read_text())["items"]
    return {m["code"]: {"name": m["name"], "pricing_basis": m["pricing_basis"]} for m in items if m["is_kpo"]}


LOCATIONS = _locations()
DPDP = {
    "dpdp": {
        "name": "India DPDP Act",
        "requires": {"when_processed_in": ["india"], "contract_terms": ["DPDP processor terms"]},
    }
}


def test_a_us_buyer_needing_4_hours_overlap_who_prefers_india_sees_india_break_it_and_the_trade_off_named() -> None:
    answers = {"buyer_location": "us", "overlap_hours": 4, "preferred_region": "india"}
    found = req.derive(answers, DPDP)
    overlap = found.get("overlap")
    assert overlap is not None and overlap.value == 4
    assert "US Eastern" in overlap.text
    assert [p.code for p in found.preferences] == ["preferred_region"]

    breaches = {(b.target, b.requirement): b.reason for b in req.location_breaches(found, LOCATIONS)}
    assert breaches[("india", "overlap")] == "India overlaps 0 h with your working day; you need 4 h"
    assert ("mexico", "overlap") not in breaches and ("colombia", "overlap") not in breaches

    (conflict,) = req.conflicts(found, LOCATIONS)
    assert conflict.kind == "preference"
    assert conflict.between == ("preferred_region", "overlap")
    assert "India" in conflict.text and "4 h" in conflict.text
    keep, relax = conflict.options
    assert keep.text.startswith("Keep") and "Argentina" in keep.text  # the cheapest that fits, ties by code
    # Beyond the workable shift already, the day moves half an hour more to give the hours in both seasons.
    assert "moved 6.5 h later (about 15:30–23:30 local time) to give at least 4 h of overlap all year" in relax.text
    # Delivering from India would bring in the DPDP processor terms: the option says so.
    assert relax.triggers == ("dpdp",)


def test_regime_contract_terms_follow_where_the_data_is_processed() -> None:
    found = req.derive({"buyer_location": "us"}, DPDP)
    at_india = [r.text for r in req.applies_at(found, "india")]
    at_mexico = [r.text for r in req.applies_at(found, "mexico")]
    assert at_india == ["DPDP processor terms"]
    assert at_mexico == []
    assert req.location_breaches(found, LOCATIONS) == ()


def test_assurances_are_requirements_only_when_the_buyer_chose_them() -> None:
    for nothing in (None, "none", ["undecided"], []):
        assert [r for r in req.derive({"vendor_assurance": nothing}, {}).hard if r.kind == "assurance"] == []
    chosen = req.derive({"vendor_assurance": ["soc2", "iso27001", "none"]}, {}).hard
    assert [(r.code, r.text, r.because) for r in chosen] == [
        ("assurance:iso27001", "The provider holds ISO/IEC 27001:2022 certification", ("your choice",)),
        ("assurance:soc2", "The provider holds a SOC 2 Type II report", ("your choice",)),
    ]


def test_data_limited_to_adequate_countries_excludes_india_and_names_the_cost_trade_off() -> None:
    found = req.derive({"buyer_location": "uk", "data_location": "adequate", "cost_priority": "lowest"}, {})
    broken = {b.target for b in req.location_breaches(found, LOCATIONS) if b.requirement == "data_location"}
    assert {"india", "philippines", "ukraine", "mexico", "colombia", "south-africa"} == broken
    (conflict,) = req.conflicts(found, LOCATIONS)
    assert conflict.between == ("cost_priority", "data_location")
    assert "India" in conflict.text
    assert "Argentina" in conflict.options[0].text  # cheapest location allowed for the data
    assert "transfer impact assessment" in conflict.options[1].text


def test_overnight_turnaround_and_live_overlap_are_a_named_conflict() -> None:
    found = req.derive({"overlap_hours": 3, "overnight_turnaround": "yes"}, {})
    codes = [c.code for c in req.conflicts(found, LOCATIONS)]
    assert codes == ["overnight_turnaround:overlap"]
    assert req.conflicts(req.derive({"overlap_hours": 1, "overnight_turnaround": True}, {}), LOCATIONS) == ()


def test_two_requirements_no_location_meets_together_are_a_conflict_with_both_options() -> None:
    found = req.derive({"buyer_location": "us", "overlap_hours": 4, "data_location": "eea"}, {})
    fitting = set(LOCATIONS) - {b.target for b in req.location_breaches(found, LOCATIONS)}
    assert fitting == set()
    (conflict,) = req.conflicts(found, LOCATIONS)
    assert conflict.kind == "requirements"
    assert conflict.between == ("data_location", "overlap")
    texts = [o.text for o in conflict.options]
    assert "Poland" in texts[0] or "Romania" in texts[0]
    assert "Argentina" in texts[1]


def test_on_site_presence_and_onshore_sign_off_rule_out_models_by_how_they_work() -> None:
    found = req.derive({"onsite": "yes", "licensed_signoff": True}, {})
    assert {b.target for b in req.location_breaches(found, LOCATIONS)} == set(LOCATIONS)
    breaches = {(b.target, b.requirement) for b in req.model_breaches(found, _models())}
    assert ("shared-pool", "onsite") in breaches and ("project", "onsite") in breaches
    assert ("managed-services", "licensed_signoff") in breaches
    assert not any(target == "captive-team" for target, _ in breaches)
    (conflict,) = req.conflicts(found, LOCATIONS)
    assert conflict.code == "onshore"
    # The requirement that alone keeps the work onshore is named, not "every requirement".
    onsite = found.get("onsite")
    assert onsite is not None
    assert conflict.text == f"No offshore location meets “{onsite.text}”."


def test_a_regime_can_require_onshore_sign_off_and_limit_processing() -> None:
    regimes = {"x": {"name": "Regime X", "requires": {"onshore_signoff": True, "processing": ["in_eea", "adequate"]}}}
    found = req.derive({}, regimes)
    signoff, data = found.get("licensed_signoff"), found.get("data_location")
    assert signoff is not None and signoff.because == ("Regime X",)
    assert data is not None and data.because == ("Regime X",) and data.value == ("adequate", "in_eea")


def test_a_uk_buyers_overlap_is_measured_against_the_uk_day() -> None:
    three = req.derive({"buyer_location": "uk", "overlap_hours": 3}, {})
    four = req.derive({"buyer_location": "uk", "overlap_hours": 4}, {})
    assert "UK" in (three.get("overlap") or req.Requirement("", "", "")).text
    assert "india" not in {b.target for b in req.location_breaches(three, LOCATIONS)}
    assert "india" in {b.target for b in req.location_breaches(four, LOCATIONS)}


def test_a_preferred_region_may_name_a_region_or_several_locations() -> None:
    answers = {"buyer_location": "us", "overlap_hours": 4}
    by_region = req.derive({**answers, "preferred_region": "South Asia"}, {})
    several = req.derive({**answers, "preferred_region": ["india", "philippines"]}, {})
    assert [c.between for c in req.conflicts(by_region, LOCATIONS)] == [("preferred_region", "overlap")]
    (conflict,) = req.conflicts(several, LOCATIONS)
    assert "You prefer India, the Philippines, which breaks" in conflict.text
    # Preferring Mexico among others means the preference can be met without breaking the overlap.
    assert req.conflicts(req.derive({**answers, "preferred_region": ["india", "mexico"]}, {}), LOCATIONS) == ()


def test_no_requirements_means_nothing_breaks_and_nothing_conflicts() -> None:
    found = req.derive({"overlap_hours": "", "preferred_region": "india"}, {})
    assert req.derive({"overlap_hours": -2}, {}).hard == ()
    assert found.hard == ()
    assert req.location_breaches(found, LOCATIONS) == ()
    assert req.model_breaches(found, _models()) == ()
    assert req.conflicts(found, LOCATIONS) == ()


def test_a_buyer_elsewhere_has_their_overlap_stated_but_never_measured_against_a_day_that_is_not_theirs() -> None:
    # The catalogue holds overlap with US Eastern and the UK only: an Indian or Australian buyer measured against
    # either would see their own country excluded for "0 h" of overlap.
    found = req.derive({"buyer_location": "other", "overlap_hours": 4, "preferred_region": "india"}, {})
    assert found.get("overlap") is None
    stated = found.get("overlap_unchecked")
    assert stated is not None and stated.value == 4 and stated.because == ("your answer",)
    assert stated.text.startswith("At least 4 h a day of overlap with your working day: not checked")
    assert "US Eastern" not in stated.text.split(":")[0]
    assert req.location_breaches(found, LOCATIONS) == ()
    assert req.conflicts(found, LOCATIONS) == ()
    # An hour's handover is arranged from anywhere, here as for everyone; an unanswered location is the US day.
    assert req.derive({"buyer_location": "other", "overlap_hours": 1}, {}).hard == ()
    assert (req.derive({"overlap_hours": 4}, {}).get("overlap") or req.Requirement("", "", "")).value == 4


def test_a_preferred_region_reads_in_the_options_words_when_the_evaluator_gives_them() -> None:
    labels = {"india": "India", "cee": "Central and Eastern Europe (Poland, Romania, Ukraine)"}
    named = req.derive({"preferred_region": ["india", "cee"]}, {}, labels=labels).preference("preferred_region")
    # The region's option carries the catalogue's region in its words, so its countries are found by it.
    assert named is not None and named.value == ("india", "cee", "Central and Eastern Europe")
    assert named.text == "Preferred region: India, Central and Eastern Europe (Poland, Romania, Ukraine)"
    found = req.derive({"preferred_region": ["cee"]}, {}, labels=labels)
    assert [c for c, loc in LOCATIONS.items() if req.preferred_here(found, c, loc)] == ["poland", "romania", "ukraine"]
    bare = req.derive({"preferred_region": "South Asia"}, {}, labels=labels).preference("preferred_region")
    assert bare is not None and bare.text == "Preferred region: South Asia"


def test_a_continental_buyer_is_measured_on_the_central_european_day_not_the_uk_one() -> None:
    found = req.derive({"buyer_location": "eu", "overlap_hours": 4}, {})
    overlap = found.get("overlap")
    assert overlap is not None and "Central European (UTC+1, +2 in summer)" in overlap.text
    hours = {code: req.overlap_at(found, loc) for code, loc in LOCATIONS.items()}
    # Poland and Romania keep European summer time as well; India is 4 h ahead on the midpoint of CET and CEST,
    # an hour closer than the UK figure of 3 h.
    assert hours["poland"] == 8 and hours["romania"] == 7 and hours["india"] == 4
    assert LOCATIONS["india"]["overlap_uk"] == 3
    assert hours["argentina"] == 3.5 and hours["mexico"] == 0.5


def test_a_team_in_ireland_is_measured_on_irish_time_like_the_uk_not_on_central_european_time() -> None:
    dublin = req.derive({"buyer_location": "eu", "buyer_country": "ireland", "overlap_hours": 4}, {})
    paris = req.derive({"buyer_location": "eu", "buyer_country": "france", "overlap_hours": 4}, {})
    london = req.derive({"buyer_location": "uk", "overlap_hours": 4}, {})
    overlap = dublin.get("overlap")
    assert dublin.market == "uk" and paris.market == "eu"
    assert overlap is not None and "Irish (UTC+0, +1 in summer, the UK's clock)" in overlap.text
    assert "Central European" not in overlap.text
    irish = {code: req.overlap_at(dublin, loc) for code, loc in LOCATIONS.items()}
    assert irish == {code: req.overlap_at(london, loc) for code, loc in LOCATIONS.items()}
    # India is 3 h from the Irish day on the catalogue's UK figure, 4 h from the Central European one.
    assert irish["india"] == 3 and req.overlap_at(paris, LOCATIONS["india"]) == 4
    assert "india" in {b.target for b in req.location_breaches(dublin, LOCATIONS)}
    assert "india" not in {b.target for b in req.location_breaches(paris, LOCATIONS)}
    # On a shifted day the Irish offset is the UK's too.
    shifted = req.derive(
        {"buyer_location": "eu", "buyer_country": "ireland", "overlap_hours": 4, "shifted_hours": True}, {}
    )
    assert req.overlap_at(shifted, LOCATIONS["india"]) == req.offset_overlap(0.5, LOCATIONS["india"], req.SHIFT_HOURS)


def test_buyers_in_japan_india_brazil_and_mexico_are_measured_on_their_own_day() -> None:
    tokyo = req.derive({"buyer_location": "japan-korea", "overlap_hours": 4}, {})
    assert {c: req.overlap_at(tokyo, loc) for c, loc in LOCATIONS.items() if c in ("philippines", "india")} == {
        "philippines": 7,
        "india": 4.5,
    }
    breaches = {b.target for b in req.location_breaches(tokyo, LOCATIONS)}
    latin = {c for c, loc in LOCATIONS.items() if loc["region"] == "Latin America"}
    assert latin <= breaches and not {"philippines", "india"} & breaches
    mumbai = req.derive({"buyer_location": "india", "overlap_hours": 4}, {})
    assert req.overlap_at(mumbai, LOCATIONS["philippines"]) == 5.5
    sao_paulo = req.derive({"buyer_location": "brazil", "overlap_hours": 4}, {})
    assert req.overlap_at(sao_paulo, LOCATIONS["colombia"]) == 6
    mexico_city = req.derive({"buyer_location": "mexico", "overlap_hours": 4}, {})
    assert req.overlap_at(mexico_city, LOCATIONS["colombia"]) == 7


def test_a_buyers_own_country_is_its_onshore_option_ranked_with_the_others_not_excluded() -> None:
    for where in ("india", "brazil", "mexico"):
        found = req.derive({"buyer_location": where, "overlap_hours": 8}, {})
        assert found.home == where
        assert [r.code for r in found.hard] == ["overlap"]  # no requirement to deliver from abroad
        # Its own country shares the buyer's clock: the full working day of overlap.
        assert req.overlap_at(found, LOCATIONS[where]) == 8
        assert where not in {b.target for b in req.location_breaches(found, LOCATIONS)}
    assert req.derive({"buyer_location": "japan-korea"}, {}).home == ""
    assert req.derive({"buyer_location": "us"}, {}).home == ""
    assert req.derive({}, {}).home == ""


def test_data_that_must_stay_in_an_indian_buyers_country_is_met_by_india_alone() -> None:
    found = req.derive({"buyer_location": "india", "data_location": "yes"}, {})
    data = found.get("data_location")
    assert data is not None and data.value == () and "your own country" in data.text
    breaches = {b.target: b.reason for b in req.location_breaches(found, LOCATIONS)}
    assert set(breaches) == set(LOCATIONS) - {"india"}
    assert breaches["philippines"] == (
        "The Philippines would be offshore delivery, ruled out: your data may not be accessed from outside your country"
    )
    # Met at home, so not "nowhere": the cost is not set aside as onshore-only, and no trade-off is forced.
    assert not req.onshore_only(found)
    assert req.conflicts(found, LOCATIONS) == ()
    # A buyer whose country the catalogue does not hold still has nowhere offshore to go.
    abroad = req.derive({"buyer_location": "us", "data_location": "yes"}, {})
    assert req.onshore_only(abroad)
    assert {b.target for b in req.location_breaches(abroad, LOCATIONS)} == set(LOCATIONS)


def test_an_indian_buyer_preferring_manila_with_data_kept_in_india_is_offered_india_to_keep_it() -> None:
    found = req.derive({"buyer_location": "india", "data_location": "yes", "preferred_region": "philippines"}, {})
    (conflict,) = req.conflicts(found, LOCATIONS, ("philippines", "india"))
    assert conflict.between == ("preferred_region", "data_location")
    keep, relax = conflict.options
    assert keep.text.endswith("and deliver from India")
    assert relax.text.startswith("Deliver from the Philippines only if the law, regulator or client contract")


def test_daily_presence_on_site_is_met_by_a_provider_in_the_buyers_own_country() -> None:
    found = req.derive({"buyer_location": "mexico", "onsite": "daily"}, {})
    breached = {b.target for b in req.location_breaches(found, LOCATIONS) if b.requirement == "onsite"}
    assert breached == set(LOCATIONS) - {"mexico"}


def test_a_singapore_buyers_overlap_is_worked_out_from_the_utc_offsets_and_excludes_latin_america() -> None:
    found = req.derive({"buyer_location": "singapore", "overlap_hours": 6}, {})
    overlap = found.get("overlap")
    assert overlap is not None and "UTC+8 (Singapore" in overlap.text and "the product's assumption" in overlap.text
    hours = {code: req.overlap_at(found, loc) for code, loc in LOCATIONS.items()}
    # Same clock as Manila; India is 2.5 h behind; Poland 6.5 h behind on the midpoint of CET and CEST.
    assert hours["philippines"] == 8 and hours["india"] == 5.5 and hours["poland"] == 1.5
    assert hours["argentina"] == 0 and hours["colombia"] == 0
    breaches = {b.target: b.reason for b in req.location_breaches(found, LOCATIONS)}
    assert "philippines" not in breaches
    assert breaches["argentina"] == "Argentina overlaps 0 h with your working day; you need 6 h"
    assert breaches["india"] == "India overlaps 5.5 h with your working day; you need 6 h"


def test_an_eastern_australian_day_overlaps_across_midnight_with_the_americas() -> None:
    found = req.derive({"buyer_location": "australia-east", "overlap_hours": 2}, {})
    # Sydney's 09:00 is the previous afternoon in Mexico City: half an hour on the midpoint of AEST and AEDT.
    assert req.overlap_at(found, LOCATIONS["mexico"]) == 0.5
    assert req.overlap_at(found, LOCATIONS["philippines"]) == 5.5


def test_an_eastern_canadian_buyer_is_measured_on_the_us_eastern_day() -> None:
    found = req.derive({"buyer_location": "canada-east", "overlap_hours": 4}, {})
    overlap = found.get("overlap")
    assert overlap is not None and overlap.text.startswith(
        "At least 4 h a day of overlap with the US Eastern working day"
    )
    assert {code: req.overlap_at(found, loc) for code, loc in LOCATIONS.items()} == {
        code: loc["overlap_us"] for code, loc in LOCATIONS.items()
    }


def test_a_buyer_elsewhere_has_no_overlap_to_rank_on() -> None:
    found = req.derive({"buyer_location": "other", "overlap_hours": 4}, {})
    assert {req.overlap_at(found, loc) for loc in LOCATIONS.values()} == {None}


def test_a_us_buyer_accepting_shifted_hours_can_have_2_hours_from_india_on_an_evening_shift() -> None:
    plain = req.derive({"buyer_location": "us", "overlap_hours": 2}, {})
    shifted = req.derive({"buyer_location": "us", "overlap_hours": 2, "shifted_hours": True}, {})
    overlap = shifted.get("overlap")
    assert overlap is not None and "moved up to 4 h towards yours" in overlap.text
    assert "the product's assumption" in overlap.text
    # India 13:00-21:00 IST meets a 09:00-17:00 US Eastern day for about 2 h; a night shift is not assumed.
    assert req.overlap_at(shifted, LOCATIONS["india"]) == 2
    assert req.overlap_at(shifted, LOCATIONS["philippines"]) == 0.5
    assert "india" in {b.target for b in req.location_breaches(plain, LOCATIONS)}
    assert "india" not in {b.target for b in req.location_breaches(shifted, LOCATIONS)}
    # Unshifted, the worked-out overlap agrees with the catalogue's own figures.
    for loc in LOCATIONS.values():
        assert req.offset_overlap(req.CATALOGUE_DAYS["us"], loc) == loc["overlap_us"]
        assert req.offset_overlap(req.CATALOGUE_DAYS["uk"], loc) == loc["overlap_uk"]


def test_the_shifted_hours_option_names_the_evening_shift_that_gives_the_overlap() -> None:
    found = req.derive({"buyer_location": "us", "overlap_hours": 2, "preferred_region": "india"}, {})
    relax = next(c for c in req.conflicts(found, LOCATIONS) if c.code == "preferred_region:overlap").options[1]
    # Half an hour more would take the day beyond the workable shift: it is named, with the season it falls short.
    # India 13:00-21:00 meets New York's day for 2.5 h in the US summer and 1.5 h in its winter: short in the months
    # when neither clock is on summer time (India has none).
    assert relax.text.endswith(
        "moved 4 h later (about 13:00–21:00 local time) to give 2 h of overlap (half an hour less in the months "
        "when neither clock is on summer time)"
    )
    for d, hours in ((0.5, 2.5), (-0.5, 1.5)):  # New York in summer (-4) and in winter (-5) against India's +5.5
        assert req.offset_overlap(req.CATALOGUE_DAYS["us"] + d, LOCATIONS["india"], 4) == hours
    # A London buyer and Mexico (no summer time, behind it) are further apart in the UK summer: short then.
    london = req.derive({"buyer_location": "uk", "overlap_hours": 3, "shifted_hours": True}, {})
    day = req.shifted_day(london, LOCATIONS["mexico"], 3)
    assert day is not None
    assert req._short_months(london, LOCATIONS["mexico"], day) == (
        "in the months when only one of the two clocks is on summer time"
    )
    for d, hours in ((0.5, 2.5), (-0.5, 3.5)):  # the UK summer (+1) and winter (+0) against Mexico's -6
        assert req.offset_overlap(req.CATALOGUE_DAYS["uk"] + d, LOCATIONS["mexico"], day.moved) == hours
    assert relax.costs.startswith("an evening or early shift there") and "night" not in relax.costs
    assert "night-shift premium" not in relax.costs


def test_an_evaluation_finds_the_locations_breaches_once_and_its_trade_offs_from_them(
    reference: Any, monkeypatch: Any
) -> None:
    """The ranking and the trade-offs read the same breaches: worked out once an evaluation, not once each."""
    from apps.playbooks.engine import evaluate
    from apps.playbooks.runtime import compiled_playbook

    compiled = compiled_playbook(reference)
    answers = {
        "function": "financial-analysis",
        "buyer_location": "us",
        "overlap_hours": 4,
        "preferred_region": "india",
    }
    before = evaluate(compiled, answers)
    calls: list[int] = []
    real = req.location_breaches

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(req, "location_breaches", counted)
    after = evaluate(compiled, answers)
    assert len(calls) == 1
    assert after.conflicts == before.conflicts and any(c.kind == "preference" for c in after.conflicts)
    assert req.conflicts(req.derive(answers, {}), LOCATIONS) == req.conflicts(
        req.derive(answers, {}), LOCATIONS, breaches=real(req.derive(answers, {}), LOCATIONS)
    )


def test_a_us_team_off_eastern_time_is_measured_on_its_own_zone_worked_out_from_the_utc_offsets() -> None:
    eastern = req.derive({"buyer_location": "us", "buyer_zone": "eastern", "overlap_hours": 2}, {})
    unasked = req.derive({"buyer_location": "us", "overlap_hours": 2}, {})
    chicago = req.derive({"buyer_location": "us", "buyer_zone": "central", "overlap_hours": 2}, {})
    seattle = req.derive({"buyer_location": "us", "buyer_zone": "pacific", "overlap_hours": 2}, {})
    assert (
        eastern.market == unasked.market == "us" and chicago.market == "us-central" and seattle.market == "us-pacific"
    )
    overlap = seattle.get("overlap")
    assert overlap is not None and "US Pacific (UTC−8, −7 in summer) working day" in overlap.text
    # Eastern keeps the catalogue's figures; Pacific is three hours behind, so Poland's 2 h with New York is 0 h.
    assert req.overlap_at(eastern, LOCATIONS["poland"]) == LOCATIONS["poland"]["overlap_us"]
    assert req.overlap_at(seattle, LOCATIONS["poland"]) == 0
    assert req.overlap_at(seattle, LOCATIONS["colombia"]) == req.offset_overlap(-7.5, LOCATIONS["colombia"])
    assert "poland" in {b.target for b in req.location_breaches(seattle, LOCATIONS)}
    # On a shifted day an Indian team's evening reaches Chicago an hour less than New York.
    shifted = {"overlap_hours": 2, "shifted_hours": True, "buyer_location": "us"}
    new_york = req.overlap_at(req.derive({**shifted, "buyer_zone": "eastern"}, {}), LOCATIONS["india"])
    later = req.overlap_at(req.derive({**shifted, "buyer_zone": "central"}, {}), LOCATIONS["india"])
    assert new_york is not None and later is not None and later == new_york - 1
    # The zone is a US team's only: anywhere else it is not read.
    assert req.derive({"buyer_location": "uk", "buyer_zone": "pacific", "overlap_hours": 2}, {}).market == "uk"


def test_a_buyer_setting_up_its_own_centre_reads_its_own_staff_on_the_shifted_day_with_or_without_an_entity() -> None:
    asked = {"buyer_location": "us", "overlap_hours": 2, "shifted_hours": True}
    for entity in (True, False):
        overlap = req.derive({**asked, "own_entity": entity}, {}).get("overlap")
        assert overlap is not None and "your centre's own staff working a day moved up" in overlap.text
    provider = req.derive(asked, {}).get("overlap")
    assert provider is not None and "provider staff working a day moved up" in provider.text


def test_no_overnight_conflict_when_a_location_meeting_the_overlap_works_overnight_even_ranked_second() -> None:
    # A UK buyer needing 2 h: Poland ranks first on its other points, but India meets the 2 h and works while the
    # buyer sleeps; the two hold together there, so no trade-off says they cannot (review 25).
    found = req.derive({"buyer_location": "uk", "overlap_hours": 2, "overnight_turnaround": True}, {})
    ranked = ["poland", "romania", "india"]
    assert req.conflicts(found, LOCATIONS, ranked, overnight_at=frozenset({"india", "philippines"})) == ()
    # With no location meeting the overlap that the rules favour overnight, the trade-off is named.
    named = req.conflicts(found, LOCATIONS, ranked, overnight_at=frozenset({"philippines"}))
    assert [c.code for c in named] == ["overnight_turnaround:overlap"]
