"""Work done once whose length is not answered (the duration is an optional follow-up) is costed over the weeks its
hours take its people at full time, said so beside the figures and on the review page (review 159: a two-week job of
240 hours for three people was contracted as "a large deal run with advisers" at $40,000 against $7,000 of fees,
read "186% more than in-house", and with a 3-year horizon was costed as if it recurred every year)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.checks import answer_checks
from apps.playbooks.engine.tco.types import once_weeks
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
STUDY = "US seed-stage start-up: two analysts for a 13-week market study"
JOB = {"annual_hours": 240, "team_size": 3, "duration_weeks": None, "horizon": 1}


def _result_text(client: Client, pk: int) -> str:
    """The result page's text, its spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(client.get(reverse("recommendations:detail", args=[pk])).content.decode()))


def _contracting(ev: object) -> dict[str, str]:
    """Each costed model's contracting line formula, by model code."""
    return {
        m.model: next(line.formula for line in m.lines if line.label.startswith("Contracting"))
        for m in ev.cost.models  # type: ignore[attr-defined]
    }


def test_the_weeks_are_the_hours_at_full_time_for_the_people() -> None:
    assert once_weeks("one-off", 240, 3) == 3  # 240 h ÷ (3 × 2,000 h ÷ 52) = 2.08 weeks
    assert once_weeks("one-off", 3000, 10) == 8
    assert once_weeks("one-off", 240, None) == 7  # one person, as the cost reads no team
    assert once_weeks("one-off", None, 4) == 52  # the people's full-time year, costed once
    # However long, whatever the horizon, as answered weeks are (review 172: past 104 weeks or past the horizon, one
    # more hour costed the hours again in each of the horizon's years): 10 years at most, the longest horizon.
    assert once_weeks("one-off", 2000, 2) == 26 and once_weeks("one-off", 2100, 2) == 28
    assert once_weeks("one-off", 3999, 2) == 52 and once_weeks("one-off", 4000, 2) == 52
    assert once_weeks("one-off", 5000, 2) == 65 and once_weeks("one-off", 7000, 2) == 91
    assert once_weeks("one-off", 4000, 1) == 104 and once_weeks("one-off", 4001, 1) == 105
    assert once_weeks("one-off", 4100, 1) == 107 and once_weeks("one-off", 20000, 3) == 174
    assert once_weeks("one-off", 20000, 1) == 520 and once_weeks("one-off", 20001, 1) == 0
    assert once_weeks("one-off", 10**6, 1) == 0
    assert once_weeks("steady", 240, 3) == once_weeks("seasonal", 240, 3) == once_weeks("one-off", None, None) == 0


def test_a_one_off_job_without_its_weeks_costs_as_with_them(reference: Playbook) -> None:
    skipped = evaluated_case(reference, STUDY, **JOB)
    given = evaluated_case(reference, STUDY, **{**JOB, "duration_weeks": 3})
    assert skipped.cost.available and skipped.cost.duration_weeks == 3
    assert [m.horizon for m in skipped.cost.models] == [m.horizon for m in given.cost.models]
    assert skipped.cost.inhouse_horizon == given.cost.inhouse_horizon
    for formula in _contracting(skipped).values():
        assert formula.startswith("the lighter contracting cost") and "large deal" not in formula, formula
    covers = next(i for i in skipped.cost.inhouse_inputs if i.label == "Cost covers")
    assert covers.value == "3 weeks only"
    assert covers.source.startswith("work done once, with no length answered: 240 hours for 3 people at full time")
    assert "Answer how many weeks it lasts" in covers.source
    horizon = next(i for i in skipped.cost.inhouse_inputs if i.label == "Horizon")
    assert horizon.source == "worked out from the hours and the people"  # review 162: it read "your answer"
    assert skipped.cost.weeks_worked_out and not given.cost.weeks_worked_out
    said = next(i for i in given.cost.inhouse_inputs if i.label == "Cost covers")
    assert said.source.startswith("your answer: ")


def test_a_longer_horizon_does_not_repeat_work_done_once(reference: Playbook) -> None:
    one = evaluated_case(reference, STUDY, **JOB)
    three = evaluated_case(reference, STUDY, **{**JOB, "horizon": 3})
    assert three.cost.available and three.cost.horizon_years == 1
    assert [m.horizon for m in three.cost.models] == [m.horizon for m in one.cost.models]


def test_a_job_past_half_a_year_is_still_costed_once(reference: Playbook) -> None:
    # Review 166: past 26 weeks the worked-out length was dropped and the hours repeated in each year of the horizon:
    # 2,100 hours for 2 people cost $340,000 over 3 years against $101,000 for 2,000 hours over 26 weeks.
    job = {**JOB, "annual_hours": 2100, "team_size": 2, "horizon": 3}
    skipped = evaluated_case(reference, STUDY, **job)
    given = evaluated_case(reference, STUDY, **{**job, "duration_weeks": 28})
    assert skipped.cost.duration_weeks == 28 and skipped.cost.weeks_worked_out
    assert [m.horizon for m in skipped.cost.models] == [m.horizon for m in given.cost.models]
    shorter = evaluated_case(reference, STUDY, **{**job, "annual_hours": 2000})
    assert shorter.cost.duration_weeks == 26
    likely = {m.model: m.horizon[1] for m in skipped.cost.models}
    for m in shorter.cost.models:
        assert likely[m.model] < 1.25 * m.horizon[1], (m.model, likely[m.model], m.horizon[1])
    # No parallel running or exit for work done once that no team of the buyer's does today.
    for m in skipped.cost.models:
        assert not [line for line in m.lines if "parallel running" in line.label or line.label.startswith("Exit")]


def test_a_job_filling_its_peoples_year_is_costed_once_and_smoothly(reference: Playbook) -> None:
    # Review 167: 3,990 hours for 2 people cost $197,000 over 52 weeks, 4,000 hours $655,000 over 3 years.
    job = {**JOB, "team_size": 2, "horizon": 3}
    below, at, above = (evaluated_case(reference, STUDY, **{**job, "annual_hours": h}) for h in (3990, 4000, 5000))
    assert (below.cost.duration_weeks, at.cost.duration_weeks, above.cost.duration_weeks) == (52, 52, 65)
    for m, n in zip(below.cost.models, at.cost.models, strict=True):
        assert n.horizon[1] < 1.05 * m.horizon[1], (m.model, m.horizon[1], n.horizon[1])


def test_a_long_one_off_programme_is_costed_once_over_its_weeks(reference: Playbook) -> None:
    # Review 172: past the horizon (or 104 weeks) its hours were counted again in each of the horizon's years.
    programme = evaluated_case(reference, STUDY, **{**JOB, "annual_hours": 20000, "horizon": 3})
    assert programme.cost.available and programme.cost.duration_weeks == 174
    assert not [c for c in answer_checks(annual_hours=20000, team_size=3, demand="one-off") if "10 years" in c.text]
    # Past the longest horizon, 10 years at full time: more than anyone can work, which holds the submit back.
    endless = evaluated_case(reference, STUDY, **{**JOB, "annual_hours": 100_000, "team_size": 1, "horizon": 3})
    assert endless.cost.horizon_years == 3 and not endless.cost.duration_weeks
    (check,) = [c for c in answer_checks(annual_hours=100_000, team_size=1, demand="one-off") if "done once" in c.text]
    assert "would take 1 person about 2,600 weeks at full time, more than the 10 years a piece of work done" in (
        check.text
    )
    assert check.impossible


def test_one_more_hour_past_104_weeks_or_the_horizon_moves_the_cost_by_an_hour(reference: Playbook) -> None:
    # Review 172: 4,000 hours for one person cost $202,000 over 104 weeks, 4,001 hours $638,000 over 3 years; 5,000
    # hours for 2 people over a 1-year horizon were costed as a year's, "$6,110, as likely as not".
    job = {**JOB, "team_size": 1, "horizon": 3}
    at, past = (evaluated_case(reference, STUDY, **{**job, "annual_hours": h}) for h in (4000, 4001))
    assert (at.cost.duration_weeks, past.cost.duration_weeks) == (104, 105)
    for m, n in zip(at.cost.models, past.cost.models, strict=True):
        assert n.horizon[1] < 1.02 * m.horizon[1], (m.model, m.horizon[1], n.horizon[1])
    one_year = evaluated_case(reference, STUDY, **{**JOB, "annual_hours": 5000, "team_size": 2, "horizon": 1})
    answered = evaluated_case(
        reference, STUDY, **{**JOB, "annual_hours": 5000, "team_size": 2, "horizon": 1, "duration_weeks": 65}
    )
    assert one_year.cost.duration_weeks == 65
    assert [m.horizon for m in one_year.cost.models] == [m.horizon for m in answered.cost.models]


def test_the_light_use_rule_reads_no_one_off_job(reference: Playbook) -> None:
    # Review 162: "Less than about 20 hours a week" fired on a 240-hour job the cost says 3 people do in 3 weeks.
    from tests.recommendations.golden import fired_codes

    assert "light-steady-use" not in fired_codes(evaluated_case(reference, STUDY, **JOB))
    assert "light-steady-use" in fired_codes(evaluated_case(reference, STUDY, **JOB, volume_pattern="steady"))


def test_steady_work_keeps_its_years(reference: Playbook) -> None:
    steady = evaluated_case(reference, STUDY, **{**JOB, "horizon": 3, "volume_pattern": "steady"})
    assert steady.cost.available and steady.cost.horizon_years == 3 and not steady.cost.duration_weeks


def test_the_check_says_the_weeks_assumed() -> None:
    (check,) = answer_checks(annual_hours=240, team_size=3, demand="one-off")
    assert "how many weeks it lasts is not answered: it is costed as done in about 3 weeks" in check.text
    assert check.roles == ("duration_weeks",) and not check.impossible
    assert not answer_checks(annual_hours=240, team_size=3, weeks=3, demand="one-off")
    assert not answer_checks(annual_hours=2000, team_size=1, demand="steady")


def test_the_review_page_asks_for_the_weeks(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=STUDY).answers, **JOB}
    answers = {k: v for k, v in answers.items() if v is not None}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    page = html.unescape(buyer_client.get(reverse("questionnaire:review", args=[a.pk])).content.decode())
    checks = re.sub(r"\s+", " ", page.split('id="answer-checks"')[1].split("</div>")[0])
    assert "costed as done in about 3 weeks" in checks and "#q-duration_weeks" in checks
    # The result says the weeks were worked out, not "your answer" (review 162).
    rec = submit_and_recommend(assessment=a, user=buyer)
    result = _result_text(buyer_client, rec.pk)
    assert (
        "(worked out from the hours and the people, as the weeks were not answered: the cost covers these weeks only, "
        "whatever the horizon)" in result
    )
    assert "(your answer: the cost covers these weeks only, whatever the horizon)" not in result


def test_the_hours_of_a_piece_of_work_read_as_such_beside_the_answers(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 164: a six-week job's hours read "1,500 hours a year" in what-if and the memo's answers, beside a cost
    # section reading "1,500 hours of work".
    from apps.recommendations.diff import one_time_changes
    from apps.recommendations.services import submit_and_recommend

    answers = {**reference.golden_cases.get(name__startswith=STUDY).answers, **JOB}
    del answers["duration_weeks"]
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    shown = {row["code"]: row["answer"] for row in rec.snapshot["answered"]}
    assert shown["annual_hours"] == "240 hours of work"
    tried = buyer_client.post(reverse("recommendations:what_if", args=[rec.pk]), {"annual_hours": "120"})
    (hours,) = [c for c in tried.context["w"].changed_answers if c.code == "annual_hours"]
    assert (hours.before, hours.after) == ("240 hours of work", "120 hours of work")
    # Review 166: what-if left out the one-time cost lines that change, appear or disappear; compare listed them.
    longer = buyer_client.post(reverse("recommendations:what_if", args=[rec.pk]), {"annual_hours": "5000"})
    w = longer.context["w"]
    once = one_time_changes(rec, w.result)
    assert once and all(c in w.changes for c in once), [c.what for c in w.changes]
    assert any(c.what.endswith(": Contracting and due diligence") for c in once), [c.what for c in once]
    page = html.unescape(longer.content.decode())
    assert f"<strong>{once[0].what}</strong>" in page
    steady = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        playbook=reference,
        answers={**answers, "volume_pattern": "steady", "annual_hours": 2000, "team_size": 1},
    )
    kept = submit_and_recommend(assessment=steady, user=buyer)
    assert {row["code"]: row["answer"] for row in kept.snapshot["answered"]}["annual_hours"] == "2,000 hours a year"


def test_a_job_of_any_length_up_to_ten_years_is_costed_as_one_piece(reference: Playbook) -> None:
    # Review 169: 4,100 hours for one person over 3 years read "No cost estimate: The work's length must be 1 to 104
    # weeks"; review 172: costed as work that goes on, at three times the cost. Now costed over its 107 weeks; work
    # longer than 10 years at full time is more than its people could work, which holds the submit back.
    ev = evaluated_case(reference, STUDY, **{**JOB, "annual_hours": 4100, "team_size": 1, "horizon": 3})
    assert ev.cost.available and ev.cost.duration_weeks == 107
    # Review 174: one check in the answer's own terms, not "costed as work that goes on" beside "25,000 hours a year".
    (found,) = answer_checks(annual_hours=25_000, team_size=1, demand="one-off")
    assert found.impossible and "correct the hours or the people" in found.text
    assert "a year" not in found.text and "goes on" not in found.text


def test_the_check_asks_for_the_weeks_only_where_the_weeks_question_takes_them() -> None:
    # Review 174: "Answer the weeks to cost it as planned" for 130 weeks, then "Enter 104 or less" when they were typed.
    (short,) = answer_checks(annual_hours=240, team_size=3, demand="one-off")
    assert "Answer the weeks to cost it as planned." in short.text and short.roles == ("duration_weeks",)
    assert "about 3 weeks, the time its hours take the people at full time, whatever the horizon" in short.text
    (long,) = answer_checks(annual_hours=5000, team_size=1, demand="one-off")
    assert "costed as done in about 130 weeks" in long.text and "Answer the weeks" not in long.text
    assert "correct the hours or the people (the weeks are asked up to 104)" in long.text
    assert long.roles == ("annual_hours", "team_size", "demand_pattern")
    (one,) = answer_checks(annual_hours=30, team_size=1, demand="one-off")
    assert "about 1 week, the time" in one.text  # review 174: "1 weeks"


def test_work_done_once_over_more_than_two_years_carries_the_premium_on_its_first_two_years_only(
    reference: Playbook,
) -> None:
    # Review 173: a five-year programme carried a temporary staff premium for all five years, 40% of its saving.
    # Review 175: dropping the premium past 104 weeks took 15% off in-house (38% off the saving) for one more week;
    # now it is paid on the first 104 weeks (40% of 260), the rest done by people hired for it and replaced.
    from apps.playbooks.engine.tco.simulate import TEMPORARY_LINE

    long = evaluated_case(reference, STUDY, **{**JOB, "annual_hours": 20000, "team_size": 2, "horizon": 3})
    short = evaluated_case(reference, STUDY, **{**JOB, "annual_hours": 2100, "team_size": 2, "horizon": 3})
    assert long.cost.duration_weeks == 260 and short.cost.duration_weeks == 28
    lines = {line.label: line.horizon[1] for line in long.cost.inhouse_lines}
    short_lines = {line.label: line.horizon[1] for line in short.cost.inhouse_lines}
    assert "Recruiting to replace leavers" not in short_lines
    loaded = sum(v for k, v in lines.items() if k not in (TEMPORARY_LINE, "Recruiting to replace leavers"))
    figures = {f.key: f.likely for f in long.cost.figures}
    premium = figures["inhouse.temporary_premium"]
    # Review 179: the premium is on the months of the first 104 weeks (the first two of five years) at their own pay,
    # not a share of the whole job's escalated cost; the recruiting line on the years after them.
    rise = 1 + figures["inhouse.wage_growth"]
    first_two = (1 + rise) / sum(rise**year for year in range(5))
    assert lines[TEMPORARY_LINE] == pytest.approx(loaded * premium * first_two, rel=0.01)
    assert lines["Recruiting to replace leavers"] > 0
    (recruiting,) = [line for line in long.cost.inhouse_lines if line.label == "Recruiting to replace leavers"]
    assert recruiting.formula.endswith(", after the work's first 104 weeks (people taken on for it are not replaced)")
    assert short_lines[TEMPORARY_LINE] == pytest.approx(
        sum(v for k, v in short_lines.items() if k != TEMPORARY_LINE) * premium, rel=0.01
    )
    inputs = {i.label: i for i in long.cost.inhouse_inputs}
    assert (
        inputs["In-house for work done once"].value
        == "people taken on for its first 104 weeks, then people hired for it"
    )
    assert "on 104 of its 260 weeks (40% of the work)" in inputs["In-house for work done once"].source
    # Review 182: past 104 weeks it asked for the weeks, which the question refuses past 104.
    covers = inputs["Cost covers"].source
    assert covers.endswith(
        "If it is planned otherwise, correct the hours or the people (the weeks are asked up to 104)"
    )
    short_covers = {i.label: i for i in short.cost.inhouse_inputs}["Cost covers"].source
    assert short_covers.endswith("Answer how many weeks it lasts to cost it as planned")


def test_one_more_week_past_two_years_moves_in_house_and_the_saving_by_a_week(reference: Playbook) -> None:
    # Review 175: 12,000 hours for 3 people (104 weeks) cost £828,304 in-house, 12,100 (105 weeks) £707,984, and the
    # project's saving fell from £329k to £204k.
    job = {**JOB, "team_size": 3, "horizon": 3}
    at, past = (evaluated_case(reference, STUDY, **{**job, "annual_hours": h}) for h in (12000, 12100))
    assert (at.cost.duration_weeks, past.cost.duration_weeks) == (104, 105)
    assert at.cost.inhouse_horizon[1] < past.cost.inhouse_horizon[1] < 1.02 * at.cost.inhouse_horizon[1]
    for m, n in zip(at.cost.models, past.cost.models, strict=True):
        assert abs(n.savings[1] - m.savings[1]) < 0.02 * at.cost.inhouse_horizon[1], (
            m.model,
            m.savings[1],
            n.savings[1],
        )


def test_the_page_says_the_premium_is_paid_on_the_first_two_years(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=STUDY).answers, **JOB, "annual_hours": 20000}
    answers = {k: v for k, v in {**answers, "team_size": 2, "horizon": 3}.items() if v is not None}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    page = _result_text(buyer_client, submit_and_recommend(assessment=a, user=buyer).pk)
    assert (
        "on the first 104 of its 260 weeks; for the rest, by people hired for it, at the salaried loaded cost, replaced"
        " as they leave" in page
    )
