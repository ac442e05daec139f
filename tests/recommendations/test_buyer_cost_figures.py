"""The buyer's own cost figures on the reference playbook, end to end: asked only when the buyer says they
have some, each replacing the benchmark it stands for, and marked "your figure" on the result page (the
inputs, the lines and the tornado); severance for displaced staff as a one-time line."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer
from tests.factories import AssessmentFactory
from tests.recommendations.test_total_cost import answered, cost_section

pytestmark = pytest.mark.django_db
UK = "UK wealth manager"
BADGE = '<span class="badge badge--ok">Your figure</span>'


def page_of(client: Client, pk: int) -> str:
    return cost_section(client.get(reverse("recommendations:detail", args=[pk])).content.decode())


def test_the_buyers_in_house_cost_replaces_the_benchmark_and_is_marked_theirs(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    benchmark = answered(reference, organisation, buyer, UK).record.evaluation.cost
    rec = answered(reference, organisation, buyer, UK, own_figures=True, own_inhouse_cost=61_000)
    cost = rec.record.evaluation.cost
    assert cost.currency == "GBP"
    salary = next(f for f in cost.figures if f.key == "inhouse.salary")
    assert salary.supplied and salary.source == "your figure"
    assert (salary.low, salary.likely, salary.high) == (61_000, 61_000, 61_000)
    assert "inhouse.oncost" not in {f.key for f in cost.figures}  # the benchmark's on-costs are gone with it
    (line,) = cost.inhouse_lines
    assert line.label == "Your loaded cost" and line.supplied
    assert cost.inhouse_horizon != benchmark.inhouse_horizon
    section = page_of(buyer_client, rec.pk)
    assert re.search(rf"<th scope=\"row\">Your loaded cost {BADGE}</th>", section)
    assert re.search(rf"Your in-house loaded cost per FTE-year {BADGE}", section)
    assert "Your in-house loaded cost per FTE-year is your figure, taken as given, so it does not swing." in section
    # The tornado no longer swings the benchmark salary it replaced.
    assert all(s.label != "In-house salary per FTE-year" for m in cost.models for s in m.tornado)


def test_a_quote_replaces_the_provider_rate_of_the_models_it_prices_and_is_marked_theirs(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = answered(reference, organisation, buyer, UK, own_figures=True, quoted_rate=21.5)
    cost = rec.record.evaluation.cost
    bases = {m.model: m.basis for m in cost.models}
    quoted = [m for m in cost.models if m.basis in ("monthly_team", "setup_plus_hourly")]
    based = [m for m in cost.models if m.basis in ("hourly", "outcome")]
    assert quoted and based, bases
    figures = {f.key: f for f in cost.figures}
    for m in cost.models:
        rate = figures.get(f"{m.model}.rate")
        fees = next(line for line in m.lines if line.label == "Provider fees")
        assert rate is not None and rate.supplied and rate.likely == 21.5 and rate.source == "your quote"
        if m in quoted:
            assert fees.supplied and "your quoted rate ÷ 12" in fees.formula
        else:
            # A pool's or a managed service's price is built on the quote with the model's premium on top, so its
            # fees are not the buyer's figure as given.
            assert not fees.supplied and "your quoted rate for a dedicated person × (1 + premium)" in fees.formula
    section = page_of(buyer_client, rec.pk)
    assert re.search(rf"<th scope=\"row\">Provider fees {BADGE}</th>", section)


def test_displaced_staff_appear_as_a_one_time_severance_line(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = answered(reference, organisation, buyer, UK, own_figures=True, displaced_staff=3)
    cost = rec.record.evaluation.cost
    for m in cost.models:
        (severance,) = [line for line in m.one_time_lines if line.label == "Severance"]
        assert severance.horizon[1] > 0
    assert "Your staff displaced: 3" in page_of(buyer_client, rec.pk)
    without = answered(reference, organisation, buyer, UK).record.evaluation.cost
    assert not any(line.label == "Severance" for m in without.models for line in m.lines)


def test_the_figures_count_only_when_the_buyer_says_they_have_their_own(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    """Hidden answers are never scored: figures left behind after answering no change nothing."""
    plain = answered(reference, organisation, buyer, UK).record.evaluation.cost
    hidden = answered(
        reference, organisation, buyer, UK, own_figures=False, own_inhouse_cost=61_000, quoted_rate=9
    ).record.evaluation.cost
    assert hidden.inhouse_horizon == plain.inhouse_horizon
    assert [m.tco for m in hidden.models] == [m.tco for m in plain.models]
    assert not any(f.supplied for f in hidden.figures)
    shown = answered(reference, organisation, buyer, UK, own_figures=True, own_inhouse_cost=61_000).record
    assert shown.evaluation.cost.inhouse_horizon != plain.inhouse_horizon
    assert "own_inhouse_cost" in shown.evaluation.visible
    # The staff who would leave are asked whatever the answer (review 54), and their severance counts.
    leaving = answered(reference, organisation, buyer, UK, own_figures=False, displaced_staff=4).record.evaluation
    assert "displaced_staff" in leaving.visible
    assert [m.tco for m in leaving.cost.models] != [m.tco for m in plain.models]


def test_a_negative_in_house_cost_is_refused_with_a_clear_message_and_nothing_stored(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=UK).answers, "own_figures": True}
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    url = reverse("questionnaire:answer", args=[assessment.pk, "own_inhouse_cost"])
    response = buyer_client.post(url, {"own_inhouse_cost": "-5000"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "or more" in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment, question_code="own_inhouse_cost").exists()


@pytest.mark.parametrize(
    ("quote", "flag"),
    [(5, "below the $"), (150, "more than twice the $"), (21.5, "")],
)
def test_a_quote_outside_the_functions_benchmark_rates_is_flagged_beside_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, quote: float, flag: str
) -> None:
    rec = answered(reference, organisation, buyer, UK, own_figures=True, quoted_rate=quote)
    cost = rec.record.evaluation.cost
    quoted = [m for m in cost.models if m.basis in ("monthly_team", "setup_plus_hourly")]
    assert quoted
    for m in quoted:
        source = next(i.source for i in m.inputs if i.label.endswith("hourly rate (USD)"))
        assert source.startswith("your quote")
        if flag:
            assert flag in source and "an hour benchmark for this function" in source
        else:
            assert source == "your quote"
    if flag:
        assert flag in html.unescape(page_of(buyer_client, rec.pk))


def test_a_quote_is_checked_against_the_benchmark_where_the_work_is_delivered_from(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Delivered from Poland, the band the quote is read against is Poland's (the benchmark × 1.2412: Poland's 1.67 on
    # the part of legal review's rate that follows location): a quote above twice the Indian benchmark's top is within
    # twice Poland's, and the flag names the band it used.
    rec = answered(
        reference, organisation, buyer, UK, own_figures=True, quoted_rate=125, preferred_region="cee", overlap_hours=7
    )
    ev = rec.record.evaluation
    assert ev.delivered_from == "poland"
    quoted = [m for m in ev.cost.models if m.basis in ("monthly_team", "setup_plus_hourly")]
    sources = [next(i.source for i in m.inputs if i.label.endswith("hourly rate (USD)")) for m in quoted]
    assert sources and all(s == "your quote" for s in sources)
    high = answered(
        reference, organisation, buyer, UK, own_figures=True, quoted_rate=250, preferred_region="cee", overlap_hours=7
    )
    flagged = [
        next(i.source for i in m.inputs if i.label.endswith("hourly rate (USD)"))
        for m in high.record.evaluation.cost.models
        if m.basis in ("monthly_team", "setup_plus_hourly")
    ]
    assert flagged and all(
        "an hour benchmark for this function from Poland (the benchmark × its cost index, 1.2412)" in s for s in flagged
    )
