"""Answers that are each valid but disagree with one another (apps/playbooks/engine/checks.py): named on the
review page before submitting, with links to the questions, and beside the cost of the result they were
built into; never a refusal (overtime or a shared team may make them right), except hours no one can work."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.checks import answer_checks
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory

CASE = "Biotech: one-off patent landscape"  # 400 hours a year by 2 people


def test_more_hours_than_the_people_can_work_is_named_with_the_hours_each() -> None:
    (check,) = answer_checks(annual_hours=20_000, team_size=2)
    assert check.text.startswith("20,000 hours a year for 2 people is 10,000 hours each")
    assert check.roles == ("annual_hours", "team_size")
    assert "1 person is 3,000 hours each" in answer_checks(annual_hours=3_000, team_size=1)[0].text
    # A full-time year with overtime (2,500 hours each) is not a slip; nor is a part-time share of the work.
    assert answer_checks(annual_hours=5_000, team_size=2) == ()
    assert answer_checks(annual_hours=400, team_size=2) == ()  # a one-off study or a season's share


def test_people_who_would_each_do_almost_none_of_the_work_are_named_too() -> None:
    """A dedicated team is priced at every seat full-time, in-house at the hours: 40 people for 2,000 hours a year
    priced 40 seats against one person's cost without a word."""
    (check,) = answer_checks(annual_hours=2_000, team_size=40)
    assert check.text == (
        "2,000 hours of work a year for 40 people is 50 hours each, about 1 hour a week. In-house is priced at the "
        "hours (1 full-time person), a dedicated team at all 40 people full-time, so the team will look far dearer "
        "than the work needs: correct the hours or the number of people, or, if each does this work beside other "
        "work, answer the people the hours need."
    )
    assert check.roles == ("annual_hours", "team_size")
    # The line is a twentieth of a full-time year each (100 hours), over the weeks of work done once.
    assert answer_checks(annual_hours=200, team_size=2) == ()
    assert "is 99 hours each" in answer_checks(annual_hours=198, team_size=2)[0].text
    assert answer_checks(annual_hours=300, team_size=10, weeks=4) == ()
    (weeks,) = answer_checks(annual_hours=30, team_size=10, weeks=4)
    assert weeks.text.startswith("30 hours of work in 4 weeks for 10 people is 3 hours each, about 1 hour a week.")
    assert "(less than one full-time person)" in weeks.text
    # One person is the smallest team there is: nothing to correct.
    assert answer_checks(annual_hours=10, team_size=1) == ()


def test_more_staff_displaced_than_do_the_work_is_named() -> None:
    (check,) = answer_checks(annual_hours=4_000, team_size=2, displaced=5)
    assert check.text.startswith("5 of your staff displaced is more than the 2 people who do this work")
    assert check.roles == ("displaced_staff", "team_size")
    assert answer_checks(annual_hours=4_000, team_size=2, displaced=2) == ()


@pytest.mark.parametrize("value", [None, "", "abc", 0, -3, [1, 2]])
def test_missing_or_unreadable_figures_check_nothing(value: object) -> None:
    assert answer_checks(annual_hours=value, team_size=2, displaced=value) == ()
    assert answer_checks(annual_hours=20_000, team_size=value) == ()


def _seven_thousand_hours(reference: Playbook, organisation: Organisation, buyer: User) -> Any:
    """A draft of the golden case (2 people) with 7,000 hours a year of steady work: 3,500 each, hard but possible.
    Steady: done once, 7,000 hours are a piece of work 2 people finish in 91 weeks (review 172)."""
    roles = compiled_playbook(reference).roles
    answers = {
        **reference.golden_cases.get(name__startswith=CASE).answers,
        roles["annual_hours"]: 7_000,
        roles["demand_pattern"]: "steady",
    }
    return AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Slip", playbook=reference, answers=answers
    )


@pytest.mark.django_db
def test_the_review_page_names_the_disagreement_with_links_and_the_result_repeats_it_beside_the_cost(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    roles = compiled_playbook(reference).roles
    a = _seven_thousand_hours(reference, organisation, buyer)
    page = html.unescape(buyer_client.get(reverse("questionnaire:review", args=[a.pk])).content.decode())
    assert "Check these answers before you submit." in page
    assert "7,000 hours a year for 2 people is 3,500 hours each" in page
    assert "Correct before submitting" not in page  # about 67 hours a week: hard, not impossible
    assert f"#q-{roles['annual_hours']}" in page.split('id="answer-checks"')[1].split("</div>")[0]
    assert f"#q-{roles['team_size']}" in page.split('id="answer-checks"')[1].split("</div>")[0]
    # Submitting is still allowed: the answers may be right.
    rec = submit_and_recommend(assessment=a, user=buyer)
    (check,) = rec.record.evaluation.cost.checks
    result = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert 'id="cost-checks"' in result and check.text in result
    # ... and says so beside the verdict too, which rests on them as much as the cost does.
    verdict = result.split('id="verdict-title"')[1].split("</section>")[0]
    assert "Check your answers first:</strong> one of them needs a second look" in verdict
    assert '<a href="#cost-checks">See what to check</a>' in verdict
    # The same work with consistent answers shows neither.
    fine = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        title="Fine",
        playbook=reference,
        # With its weeks: without them, work done once is said to be costed over the weeks its hours take.
        answers={**reference.golden_cases.get(name__startswith=CASE).answers, "duration_weeks": 6},
    )
    assert (
        'id="answer-checks"' not in buyer_client.get(reverse("questionnaire:review", args=[fine.pk])).content.decode()
    )
    done = submit_and_recommend(assessment=fine, user=buyer)
    assert done.record.evaluation.cost.checks == ()
    fine_page = buyer_client.get(reverse("recommendations:detail", args=[done.pk])).content.decode()
    assert 'id="cost-checks"' not in fine_page and 'id="verdict-checks"' not in fine_page


def test_hours_no_one_can_work_hold_the_submit_until_corrected() -> None:
    # Review 79: 40,000 hours a year for 2 people stored "KPO wins" with a 47% saving, and 50,000 hours in 4 weeks
    # for 5 people one "2270% more", each beside the product's own "not like for like".
    (year,) = answer_checks(annual_hours=40_000, team_size=2)
    (weeks,) = answer_checks(annual_hours=50_000, team_size=5, weeks=4)
    assert year.impossible and weeks.impossible
    # 80 hours a week each is the line: 4,100 hours a year for one person is not past it, 4,200 is.
    assert not answer_checks(annual_hours=4_100, team_size=1)[0].impossible
    assert answer_checks(annual_hours=4_200, team_size=1)[0].impossible
    # The people are asked at the peak for seasonal work: a peak past 80 hours a week each is a slip too (review 82:
    # 308 a week each was stored), one of about 69 hard but possible.
    (peak,) = answer_checks(annual_hours=4_000, team_size=2, peak_share=60)  # 1,200 each in 13 weeks: 92 a week
    assert "busiest three months" in peak.text and peak.impossible
    (hard,) = answer_checks(annual_hours=3_000, team_size=2, peak_share=60)  # 900 each in 13 weeks: 69 a week
    assert "busiest three months" in hard.text and not hard.impossible


def test_a_busiest_three_months_share_at_or_below_even_demand_is_named_and_a_fraction_read_as_a_percentage() -> None:
    # Review 109: 0.4 (meaning 40%) and 10 were saved without a word, and the season dropped out of the cost.
    (fraction,) = [
        c for c in answer_checks(annual_hours=4_000, team_size=3, peak_share=0.4) if c.roles == ("peak_share",)
    ]
    assert "If you meant 40%, type 40." in fraction.text and not fraction.impossible
    (ten,) = [c for c in answer_checks(annual_hours=4_000, team_size=3, peak_share=10) if c.roles == ("peak_share",)]
    assert "priced as even, with no season" in ten.text and "If you meant" not in ten.text
    assert not [c for c in answer_checks(annual_hours=4_000, team_size=3, peak_share=40) if c.roles == ("peak_share",)]


def test_a_team_of_ten_or_more_each_well_under_a_full_time_year_is_named_however_far_under() -> None:
    # Review 109: 10,000 hours a year for 6 people was named, for 12, 20, 30 or 60 people nothing was said. A few
    # people who each give it a few hundred hours do other work beside it, and are not named.
    assert answer_checks(annual_hours=400, team_size=2) == ()
    for people in (6, 12, 20, 30, 60):
        (check,) = answer_checks(annual_hours=10_000, team_size=people)
        assert check.roles == ("annual_hours", "team_size") and "less than a full-time year" in check.text
        assert "a provider would staff about 5" in check.text and not check.impossible
    assert answer_checks(annual_hours=10_000, team_size=5) == ()


def test_less_than_an_hour_each_holds_the_submit_as_hours_no_one_can_work_do() -> None:
    # Review 107: 5,000 people for 100 hours a year stored "KPO wins", a team of thousands priced for minutes' work.
    (tiny,) = answer_checks(annual_hours=100, team_size=5_000)
    assert tiny.impossible and "less than an hour each" in tiny.text
    (weeks,) = answer_checks(annual_hours=10, team_size=20, weeks=4)
    assert weeks.impossible
    # An hour each or more is unusual, not impossible: said, and the submit goes ahead.
    (few,) = answer_checks(annual_hours=100, team_size=100)
    assert not few.impossible and "1 hour each" in few.text


@pytest.mark.django_db
def test_the_submit_refusal_sends_the_buyer_to_the_hours_no_one_can_work(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    from apps.questionnaire.services import AssessmentError
    from apps.recommendations.models import Recommendation

    roles = compiled_playbook(reference).roles
    # Steady: done once, 40,000 hours are 2 people's 10 years, costed as one piece (review 172).
    answers = {
        **reference.golden_cases.get(name__startswith=CASE).answers,
        roles["annual_hours"]: 40_000,
        "volume_pattern": "steady",
    }
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Slip", playbook=reference, answers=answers
    )
    review = html.unescape(buyer_client.get(reverse("questionnaire:review", args=[a.pk])).content.decode())
    assert "Correct before submitting:</strong> 40,000 hours a year for 2 people is 20,000 hours each" in review
    assert "submitting waits for them" in review
    refused = buyer_client.post(reverse("recommendations:submit", args=[a.pk]))
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 400 and not Recommendation.objects.exists()
    assert 'First correct the hours that cannot be right: <a href="#answer-checks">' in page
    assert page.count("40,000 hours a year for 2 people is 20,000 hours each") == 1  # listed once, with its links
    with pytest.raises(AssessmentError):
        submit_and_recommend(assessment=a, user=buyer)
    # Corrected, it submits.
    answer = a.answers.get(question_code=roles["annual_hours"])
    answer.value = 4_000
    answer.save()
    assert buyer_client.post(reverse("recommendations:submit", args=[a.pk])).status_code == 302


@pytest.mark.django_db
def test_a_hidden_answer_left_from_before_does_not_let_impossible_hours_through(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 82: weeks answered for work done once, then the horizon changed to 3 years: the hidden weeks still
    # counted, and 8,000 hours a year for 1 person (about 153 a week) was submitted.
    from apps.questionnaire.services import AssessmentError

    roles = compiled_playbook(reference).roles
    answers = {
        **reference.golden_cases.get(name__startswith=CASE).answers,
        "volume_pattern": "steady",
        roles["horizon"]: 3,  # the weeks are asked of work done once or over a year at most: hidden now
        roles["duration_weeks"]: 104,
        roles["annual_hours"]: 8_000,
        roles["team_size"]: 1,
    }
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Left", playbook=reference, answers=answers
    )
    with pytest.raises(AssessmentError, match="8,000 hours a year for 1 person"):
        submit_and_recommend(assessment=a, user=buyer)


def _slip_draft(reference: Playbook, organisation: Organisation, buyer: User) -> tuple[Any, str]:
    """A draft of the golden case (2 people) as steady work, and the code of its annual hours question."""
    answers = {**reference.golden_cases.get(name__startswith=CASE).answers, "volume_pattern": "steady"}
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Slip", playbook=reference, answers=answers
    )
    return a, compiled_playbook(reference).roles["annual_hours"]


def _status(body: str, code: str) -> str:
    """The status line an autosave of ``code`` answered with, as read."""
    return html.unescape(body[body.index(f'id="status-{code}"') :].split("</p>", 1)[0])


@pytest.mark.django_db
def test_the_step_says_at_once_when_the_hours_saved_cannot_be_submitted(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 83: the step said "Saved" to 40,000 hours a year for 2 people; only the review page marked it.
    a, hours = _slip_draft(reference, organisation, buyer)
    saved = buyer_client.post(
        reverse("questionnaire:answer", args=[a.pk, hours]), {hours: "40000"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    status = _status(saved, hours)
    assert "But it cannot be submitted as it is: 40,000 hours a year for 2 people" in status
    # Without JavaScript, the step's message says it too.
    section = compiled_playbook(reference).questions[hours].section
    page = html.unescape(
        buyer_client.post(
            reverse("questionnaire:step", args=[a.pk, section]), {hours: "40000", "nojs": "1"}, follow=True
        ).content.decode()
    )
    assert "But it cannot be submitted as it is: 40,000 hours a year for 2 people" in page
    # Corrected, the status says nothing of it.
    fine = buyer_client.post(
        reverse("questionnaire:answer", args=[a.pk, hours]), {hours: "400"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "cannot be submitted" not in fine


RATES = {
    "exchange_rates": {
        "GBP": {"low": 0.67, "likely": 0.794, "high": 0.92, "source": {"date": "2025-02-28"}},
        "EUR": {"low": 0.81, "likely": 0.9605, "high": 1.11},
    }
}


@pytest.mark.parametrize(
    ("rate", "market", "said"),
    [
        (127, "uk", True),  # review 101: US dollars per 100 pounds, typed as pounds per 100 dollars
        (79, "uk", False),
        (60, "uk", False),  # inside the band widened by a quarter: a finance team's view, not a slip
        (40, "uk", True),
        (104, "eu", False),
        (150, "eu", True),
        (127, "us", False),  # no conversion for US dollars
        (None, "uk", False),
    ],
)
def test_a_budget_rate_far_outside_the_catalogues_band_is_named(rate: object, market: str, said: bool) -> None:
    from apps.playbooks.engine.checks import budget_rate_check

    check = budget_rate_check(RATES, rate, market)
    assert (check is not None) == said
    if check is not None and rate == 127:
        assert "Your budget rate, 127 pounds per 100 US dollars" in check.text
        assert "about 79, dated 2025-02-28; 67 to 92" in check.text and "which would be about 79" in check.text
        assert check.roles == ("budget_fx",) and not check.impossible


@pytest.mark.django_db
def test_the_review_page_names_a_budget_rate_far_from_the_reference(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    roles = compiled_playbook(reference).roles
    base = reference.golden_cases.get(name__startswith=CASE).answers
    answers = {**base, roles["home_market"]: "uk", "own_figures": True, roles["budget_fx"]: 127}
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Rate", playbook=reference, answers=answers
    )
    page = html.unescape(buyer_client.get(reverse("questionnaire:review", args=[a.pk])).content.decode())
    assert "Your budget rate, 127 pounds per 100 US dollars, lies far outside the band" in page


@pytest.mark.django_db
def test_the_result_and_its_memo_question_a_budget_rate_far_from_the_frozen_reference(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    """The review page named it before submitting; the result, whose every provider price was converted at it,
    names it again beside the figures (review 101: the cost section stated 127 and said nothing)."""
    from apps.recommendations.memo import render_memo_html

    roles = compiled_playbook(reference).roles
    base = reference.golden_cases.get(name__startswith=CASE).answers
    said = "Your budget rate, 127 pounds per 100 US dollars, lies far outside the band"
    for rate, named in ((127, True), (79, False)):
        answers = {**base, roles["home_market"]: "uk", "own_figures": True, roles["budget_fx"]: rate}
        a = AssessmentFactory(
            organisation=organisation, created_by=buyer, title=f"Rate {rate}", playbook=reference, answers=answers
        )
        rec = submit_and_recommend(assessment=a, user=buyer)
        assert rec.record.evaluation.cost.budget_rate
        page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
        assert (said in page.split('id="cost-checks"')[1].split("</div>")[0]) if named else said not in page
        assert ('id="verdict-checks"' in page) == named
        memo = html.unescape(render_memo_html(rec, "http://testserver/"))
        assert (said in memo) == named
        # The memo's first page names the rate the figures were converted at as the cost section does (review 104).
        assert "(provider prices converted from US dollars at your budget exchange rate)" in memo
    us = submit_and_recommend(
        assessment=AssessmentFactory(
            organisation=organisation, created_by=buyer, title="US", playbook=reference, answers=base
        ),
        user=buyer,
    )
    assert us.record.evaluation.cost.currency == "USD"
    assert "provider prices converted" not in render_memo_html(us, "http://testserver/")


@pytest.mark.django_db
def test_a_full_time_team_of_the_most_people_asked_for_can_answer_its_hours(reference: Playbook) -> None:
    """Review 102: a 3,000-person centre's 6,000,000 hours were refused ("Enter 2,000,000 or less") while the
    people went up to 5,000, so in-house was priced at 1,000 full-time people against a team of 3,000. The hours
    a check asks for (every person full-time) must be an answer the question takes."""
    from apps.playbooks.engine.answers import clean_answer
    from apps.playbooks.engine.tco.types import FTE_HOURS

    pb = compiled_playbook(reference)
    hours, people = pb.questions[pb.roles["annual_hours"]], pb.questions[pb.roles["team_size"]]
    assert people.max is not None and hours.max is not None and people.max * FTE_HOURS <= hours.max
    assert clean_answer(hours, "6000000") == 6_000_000
    assert answer_checks(annual_hours=6_000_000, team_size=3_000) == ()


@pytest.mark.django_db
def test_a_save_over_a_colleagues_change_still_says_when_it_cannot_be_submitted(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 123: a save that named a colleague's change or removal dropped "But it cannot be submitted as it is".
    from apps.accounts.models import Membership
    from tests.factories import MembershipFactory

    a, hours = _slip_draft(reference, organisation, buyer)
    url = reverse("questionnaire:answer", args=[a.pk, hours])
    assert buyer_client.post(url, {hours: "2000"}, HTTP_HX_REQUEST="true").status_code == 200
    step = reverse("questionnaire:step", args=[a.pk, compiled_playbook(reference).questions[hours].section])
    page = buyer_client.get(step).content.decode()
    stamp = re.search(rf'name="{hours}__loaded" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    colleague = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR).user
    other = Client()
    other.force_login(colleague)
    assert other.post(url, {hours: "3000"}, HTTP_HX_REQUEST="true").status_code == 200
    saved = buyer_client.post(url, {hours: "40000", f"{hours}__loaded": stamp}, HTTP_HX_REQUEST="true")
    status = _status(saved.content.decode(), hours)
    assert "changed this answer at" in status and "yours replaced it" in status
    assert "But it cannot be submitted as it is: 40,000 hours a year for 2 people" in status
    # A removal over a colleague's answer says it is removed, and whose it replaced.
    page = buyer_client.get(step).content.decode()
    stamp = re.search(rf'name="{hours}__loaded" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    assert other.post(url, {hours: "3000"}, HTTP_HX_REQUEST="true").status_code == 200
    cleared = _status(
        buyer_client.post(url, {hours: "", f"{hours}__loaded": stamp}, HTTP_HX_REQUEST="true").content.decode(), hours
    )
    assert "Answer removed" in cleared and "changed this answer at" in cleared and not cleared.endswith("Saved.")


def test_the_part_time_check_gives_the_full_time_equivalents_as_the_cost_does() -> None:
    # Review 166: the check read "1.1 full-time equivalents" beside the cost's "1.05" for 2,100 hours.
    (check,) = answer_checks(annual_hours=2100, team_size=2, demand="steady")
    assert "In-house is priced at the 1.05 full-time equivalents the hours need" in check.text
    # Work done once that the people finish within a year is a piece of work: the check asks for its weeks instead.
    (once,) = answer_checks(annual_hours=2100, team_size=2, demand="one-off")
    assert "costed as done in about 28 weeks" in once.text and once.roles == ("duration_weeks",)


def test_less_than_a_working_day_of_work_is_named_for_one_person_or_none_answered() -> None:
    # Review 170: an hour a year by one person read "KPO wins" with a managed service and no word on the hours.
    (check,) = answer_checks(annual_hours=1, team_size=1)
    assert check.text.startswith("1 hour of work a year is less than a working day: check the hours. A provider seldom")
    assert check.roles == ("annual_hours",) and not check.impossible
    assert answer_checks(annual_hours=6, team_size=None)[0].text.startswith("6 hours of work a year is less than")
    assert answer_checks(annual_hours=4, team_size=1, weeks=1)[0].text.startswith("4 hours of work in all is less")
    assert answer_checks(annual_hours=8, team_size=1) == ()  # a working day
    # Two or more people: the hours each are named instead (and less than an hour each is refused).
    assert [c.impossible for c in answer_checks(annual_hours=1, team_size=2)] == [True]


@pytest.mark.django_db
def test_the_result_page_names_an_hours_work_a_year(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {
        **reference.golden_cases.get(name__startswith="US hedge fund").answers,
        "annual_hours": 1,
        "team_size": 1,
    }
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "1 hour of work a year is less than a working day" in page


@pytest.mark.django_db
def test_the_cost_csv_lists_the_checks_first(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 172: the page and the memo carried the checks, the cost CSV finance receives on its own none.
    import csv
    import io

    rec = submit_and_recommend(assessment=_seven_thousand_hours(reference, organisation, buyer), user=buyer)
    rows = list(
        csv.DictReader(
            io.StringIO(buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode())
        )
    )
    (check,) = rec.record.evaluation.cost.checks
    assert rows[0]["kind"] == "check" and rows[0]["item"] == "Check your answers" and rows[0]["note"] == check.text
    assert [r for r in rows if r["kind"] == "check"] == rows[:1]
