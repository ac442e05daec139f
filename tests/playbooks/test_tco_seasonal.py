"""Seasonal work done in-house: the hours of the busiest three months above what a salaried team sized to the
quieter nine months does are done by people taken on for the season, at the temporary staff premium; even demand,
or no answer, costs as before (pure engine, no database)."""

from __future__ import annotations

import pytest

from apps.playbooks.engine import tco
from apps.playbooks.engine.tco.simulate import PEAK_COVER, SEASONAL_LINE, seed_for
from tests.playbooks.test_tco import _case, _collapsed


def _inhouse(case: tco.Case) -> dict[str, float]:
    return {line.label: line.horizon[1] for line in tco.simulate(case).inhouse_lines}


def test_a_sharp_peak_adds_the_temporary_premium_on_the_hours_above_the_quieter_months_team() -> None:
    steady = _collapsed(_case(annual_hours=6_000, people=10))
    peak = _collapsed(_case(annual_hours=6_000, people=10, peak_share=0.8))
    assert peak.peak_excess == pytest.approx((4 * 0.8 - 1) / 3)  # 73% of the hours: 80% less the 7% a 9-month team does
    premium = peak.figures["inhouse.temporary_premium"].likely
    lines, before = _inhouse(peak), _inhouse(steady)
    assert SEASONAL_LINE not in before and "inhouse.temporary_premium" not in steady.figures
    base = sum(v for k, v in lines.items() if k != SEASONAL_LINE)
    assert base == pytest.approx(sum(before.values()))
    assert lines[SEASONAL_LINE] == pytest.approx(base * peak.peak_excess * premium)
    # The provider's side is the same case: only in-house changes, so the saving grows by the premium.
    assert tco.simulate(peak).inhouse.horizon[1] > tco.simulate(steady).inhouse.horizon[1]


def _cover(case: tco.Case) -> dict[str, tuple[float, str]]:
    """Each model's peak cover line (likely total, formula), by model code."""
    return {
        m.code: (line.horizon[1], line.formula)
        for m in tco.simulate(case).models
        for line in m.lines
        if line.label == PEAK_COVER
    }


MODELS = ["captive-team", "staff-augmentation", "bot", "own-centre", "shared-pool", "managed-services", "project"]


def test_a_team_committed_all_year_buys_the_peaks_hours_beyond_its_quarter_of_a_year_from_a_pool() -> None:
    # 70% of 8,000 hours in three months is 5,600. The team is sized to the quieter nine months, as in-house is:
    # 4 ÷ 3 × 30% × 8,000 = 3,200 hours a year, 2 people at 2,000 (of the 4 answered). They work 1,000 in any three
    # months: 4,600 hours a year are bought from the provider's shared pool (review 79: all 4 had been priced all year,
    # idle a third of it, against in-house priced at the hours).
    case = _collapsed(_case(model_codes=MODELS, annual_hours=8_000, people=4, peak_share=0.7))
    assert case.seats(2000) == 2 and case.peak_cover_hours(2000) == 4_600
    cover = _cover(case)
    # Billed by the hour (a pool, a managed service) or the deliverable, the fees follow the season already.
    assert set(cover) == {"captive-team", "staff-augmentation", "bot", "own-centre"}
    f = case.figures
    rise = f["location.inflation"].likely
    for code in cover:
        hourly = f[f"{code}.rate"].likely * f["location.index"].likely * (1 + f["shared_pool_premium"].likely)
        # Each model's own committed hours a year (staff augmentation's are not 2,000) size its team.
        hours = case.peak_cover_hours(next(m for m in case.models if m.code == code).commitment_hours)
        expected = hours * hourly * f["fx"].likely * sum((1 + rise) ** y for y in range(3))
        total, formula = cover[code]
        assert total == pytest.approx(expected), code
        assert formula.startswith(f"{hours:,.0f} hours a year: (the busiest three months' share × annual hours − a")
    # The same case with even demand has no such line.
    assert _cover(_collapsed(_case(model_codes=MODELS, annual_hours=8_000, people=4))) == {}


def test_a_team_answered_for_the_peak_is_priced_at_the_quieter_months_work_done_once_or_a_shortfall_all_year() -> None:
    # Twelve people would do the peak (50% of 8,000 hours in three months), but the quieter nine months need
    # 4 ÷ 3 × 50% × 8,000 = 5,333 hours a year: 3 people all year, and 4,000 − 1,500 = 2,500 hours of cover.
    big = _case(model_codes=MODELS, annual_hours=8_000, people=12, peak_share=0.5)
    assert big.seats(2000) == 3 and big.peak_cover_hours(2000) == 2_500
    assert set(_cover(big)) == {"captive-team", "staff-augmentation", "bot", "own-centre"}
    # Even demand: the people answered, no cover.
    assert _case(annual_hours=8_000, people=12).seats(2000) == 12
    once = _case(model_codes=MODELS, annual_hours=3_000, people=4, peak_share=0.9, weeks=20)
    assert once.peak_cover_hours(2000) == 0 and _cover(once) == {}
    # Two people for 8,000 hours fall short all year round: only the season's part (beyond a quarter of the
    # year's hours) is the peak's, 0.5 × 8,000 − 8,000 ÷ 4 = 2,000 hours.
    assert _case(annual_hours=8_000, people=2, peak_share=0.5).peak_cover_hours(2000) == 2_000


def test_a_quoted_rate_prices_the_peak_cover_without_the_location_index() -> None:
    quote = (30.0, 30.0, 30.0)
    case = _collapsed(
        _case(
            model_codes=["captive-team"],
            annual_hours=8_000,
            people=4,
            peak_share=0.7,
            location_code="poland",
            quotes={"captive-team": quote},
        )
    )
    f = case.figures
    assert f["location.index"].likely != 1
    total, _ = _cover(case)["captive-team"]
    rise = f["location.inflation"].likely
    expected = 4_600 * 30 * (1 + f["shared_pool_premium"].likely) * sum((1 + rise) ** y for y in range(3))
    assert total == pytest.approx(expected)


def test_even_demand_or_no_answer_keeps_the_cost_and_the_seed_it_had() -> None:
    plain = _case(annual_hours=6_000, people=10)
    for share in (0.0, 0.25):
        even = _case(annual_hours=6_000, people=10, peak_share=share)
        assert even.peak_excess == 0 and "inhouse.temporary_premium" not in even.figures
    assert seed_for(_case(annual_hours=6_000, people=10, peak_share=0.0)) == seed_for(plain)
    assert seed_for(_case(annual_hours=6_000, people=10, peak_share=0.8)) != seed_for(plain)
    with pytest.raises(tco.TcoUnavailable, match="busiest three months"):
        _case(annual_hours=6_000, people=10, peak_share=1.5)


def test_lint_refuses_the_peak_share_role_on_anything_but_a_percentage() -> None:
    from tests.playbooks.test_tco_buyer_figures import findings, has, q

    choice = findings(
        lambda d: q(d).append({"code": "x", "kind": "single", "role": "peak_share", "options": [{"code": "a"}]})
    )
    assert has(choice, "error", "x", "the 'peak_share' role needs a percentage question, not 'single'"), choice
    assert findings(lambda d: q(d).append({"code": "x", "kind": "percent", "role": "peak_share"})) == []


def test_a_peak_more_than_the_people_can_work_in_three_months_is_named() -> None:
    from apps.playbooks.engine.checks import answer_checks

    # 95% of 6,000 hours in 13 weeks for 8 people is 712 hours each, 55 a week; 80% is 600 each, 46 a week.
    [check] = answer_checks(annual_hours=6_000, team_size=8, peak_share=95)
    assert check.text.startswith("95% of 6,000 hours in the busiest three months is 5,700 hours, 712 each for 8 people")
    assert check.roles == ("peak_share", "annual_hours", "team_size")
    assert answer_checks(annual_hours=6_000, team_size=8, peak_share=80) == ()
    assert answer_checks(annual_hours=6_000, team_size=8) == ()


def test_work_done_once_over_18_months_is_costed_for_its_78_weeks_not_as_a_standing_operation() -> None:
    case = _collapsed(_case(annual_hours=30_000, people=10, weeks=78))
    assert case.months == 18 and case.years == 2 and case.surge
    result = tco.simulate(case)
    team = next(m for m in result.models if m.code == "captive-team")
    labels = {line.label for line in team.lines}
    # No team of the buyer's does it today: nothing runs in parallel and nothing is taken back when it ends.
    assert not {"Transition and knowledge transfer (parallel running)", "Exit and re-tendering"} & labels
    # A yearly figure is a year's share of the 18 months, not the whole.
    assert team.tco.annual[1] == pytest.approx((team.tco.horizon[1] - team.tco.one_time[1]) / 2)
    with pytest.raises(tco.TcoUnavailable, match="1 to 520 weeks"):
        _case(annual_hours=30_000, people=10, weeks=521)


def test_an_own_in_house_cost_beyond_anyones_pay_is_named_with_the_currency_it_is_read_in() -> None:
    from apps.playbooks.engine.checks import answer_checks

    # ¥9,000,000 typed by a buyer elsewhere, whose figure is read as US dollars.
    [check] = answer_checks(annual_hours=20_000, team_size=10, own_cost=9_000_000, market="other")
    assert check.text.startswith("9,000,000 US dollars a year for one person, all in, is more than 1,000,000")
    assert check.text.endswith("so if it is in your own currency, convert it to US dollars at today's rate.")
    assert check.roles == ("own_inhouse_cost", "home_market")
    [low] = answer_checks(annual_hours=2_000, team_size=1, own_cost=1_500, market="uk")
    assert low.text.startswith("1,500 pounds a year for one person, all in, is less than 3,000")
    assert low.text.endswith("check it is a year's cost of one person, in the currency asked for.")
    for fine in (3_000, 140_000, 1_000_000, None):
        assert answer_checks(annual_hours=2_000, team_size=1, own_cost=fine, market="other") == ()


def test_steady_work_whose_people_each_work_part_of_a_year_is_named() -> None:
    from apps.playbooks.engine.checks import answer_checks

    # A Dutch bank's 80,000 hours for 45 people: in-house is 40 full-time equivalents, the team 45 seats.
    [check] = answer_checks(annual_hours=80_000, team_size=45)
    assert check.text.startswith("80,000 hours a year for 45 people is 1,778 hours each, less than a full-time year")
    assert "In-house is priced at the 40 full-time equivalents the hours need, a dedicated team at all 45" in check.text
    assert check.text.endswith(
        "answer the hours they work (90,000); if the hours are right, a provider would staff about 40."
    )
    assert check.roles == ("annual_hours", "team_size")
    # Full-time people, one person, seasonal work (its peak check speaks for it) or work done in weeks: nothing.
    assert answer_checks(annual_hours=8_000, team_size=4) == ()
    assert answer_checks(annual_hours=7_300, team_size=4) == ()  # 1,825 each: within a tenth of a full year
    assert answer_checks(annual_hours=1_000, team_size=1) == ()
    assert answer_checks(annual_hours=6_000, team_size=8, peak_share=70) == ()
    assert [c.roles for c in answer_checks(annual_hours=6_000, team_size=6, weeks=10)] == [
        ("annual_hours", "team_size", "duration_weeks")
    ]
