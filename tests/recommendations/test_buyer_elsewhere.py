"""A buyer outside the US, the UK and Europe: the locations are not excluded for overlap measured against a
working day that is not theirs, and the result page says their overlap was not checked."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.cost_caveat import NOT_COMPARED, cost_caveat
from apps.recommendations.diff import comparison_rows
from apps.recommendations.memo import render_memo_html
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from apps.recommendations.snapshot.types import EvaluationRecord
from tests.factories import AssessmentFactory
from tests.recommendations.test_snapshot import store

pytestmark = pytest.mark.django_db


def test_an_indian_buyer_needing_four_hours_overlap_does_not_see_india_excluded(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = dict(reference.golden_cases.get(name__startswith="Textbook KPO: a US fund").answers)
    answers.update(buyer_location="other", overlap_hours=4, preferred_region="india")
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    ev = rec.record.evaluation
    assert not any(loc.excluded_because for loc in ev.locations)
    assert ev.delivered_from == "india"  # the buyer's preference, no longer overruled by a US clock
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "At least 4 h a day of overlap with your working day: not checked" in page
    assert "Excluded: breaks a requirement" not in page
    assert "Preferred region: India." in page
    # The same answers from a US buyer keep the US day and exclude India (0 h of overlap).
    answers["buyer_location"] = "us"
    b = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    us = submit_and_recommend(assessment=b, user=buyer).record.evaluation
    assert any(loc.code == "india" and loc.excluded_because for loc in us.locations)


def elsewhere(reference: Playbook, organisation: Organisation, buyer: User, **changes: Any) -> Recommendation:
    answers = dict(reference.golden_cases.get(name__startswith="Textbook KPO: a US fund").answers)
    answers.update({"buyer_location": "other", "home_market": "other", **changes})
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    return submit_and_recommend(assessment=a, user=buyer)


def test_a_buyer_whose_in_house_costs_are_elsewhere_gets_no_saving_worked_out_against_us_salaries(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = elsewhere(reference, organisation, buyer)
    cost = rec.record.evaluation.cost
    assert not cost.available and cost.models == () and cost.inhouse_horizon is None
    assert cost.reason.startswith("In-house costs are benchmarked for the US, the UK and the EU only")
    assert cost.reason.endswith("for a buyer elsewhere.")
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert f"No saving is estimated: {cost.reason}" in page
    assert "Likely saving" not in page and "Keep it in-house" not in page and "Chance of a saving" not in page
    for name in ("memo_pdf", "what_if", "cost_csv", "export_json"):
        assert buyer_client.get(reverse(f"recommendations:{name}", args=[rec.pk])).status_code == 200, name


def test_a_buyer_elsewhere_sees_what_the_providers_would_charge_in_dollars_with_sources(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = elsewhere(reference, organisation, buyer)
    cost = rec.record.evaluation.cost
    assert cost.provider_fees and cost.currency == "USD" and cost.significant_figures == 3
    # The fees are the "Provider fees" line of the same answers costed for a US buyer: one home for the formulas.
    us = elsewhere(reference, organisation, buyer, home_market="us").record.evaluation.cost
    assert us.available
    us_fees = {m.model: next(x.horizon for x in m.lines if x.label == "Provider fees") for m in us.models}
    assert {f.model: f.horizon for f in cost.provider_fees} == us_fees
    assert (cost.horizon_years, cost.annual_hours, cost.team_size) == (us.horizon_years, us.annual_hours, us.team_size)
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    table = re.search(r'<table class="table" id="provider-fees">.*?</table>', page, re.S)
    assert table is not None
    for f in cost.provider_fees:
        assert f.inputs and all(i.source for i in f.inputs)  # the rate and the cost index, each with its source
        row = re.search(rf"<th scope=\"row\">{re.escape(f.name)}.*?</tr>", table.group(0), re.S)
        assert row is not None, f.name
        assert cost.amount(f.horizon[1]) in row.group(0) and cost.amount(f.horizon[1]).endswith(",000")
        details = re.search(rf"<summary>{re.escape(f.name)}: every line over .*?</details>", page, re.S)
        assert details is not None and f"{f.inputs[0].label}: {f.inputs[0].value}" in details.group(0)
        assert f.inputs[0].source in details.group(0)
    assert "in US dollars" in page and "Set each total beside what the same work costs you" in page
    memo = buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk]))
    assert memo.status_code == 200
    rows = list(
        csv.DictReader(
            io.StringIO(
                buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0]["kind"] == "unavailable" and rows[0]["note"] == cost.reason
    fees = [r for r in rows if r["kind"] == "provider_fees"]
    assert [(r["option"], r["currency"], r["likely"]) for r in fees] == [
        (f.name, "USD", f"{f.horizon[1]:.2f}") for f in cost.provider_fees
    ]
    exported = json.loads(buyer_client.get(reverse("recommendations:export_json", args=[rec.pk])).content)
    assert [f["model"] for f in exported["evaluation"]["cost"]["provider_fees"]] == [
        f.model for f in cost.provider_fees
    ]


def test_a_buyer_elsewhere_who_gives_their_own_in_house_cost_is_costed_against_it_in_dollars(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Their loaded cost (in US dollars) is asked; the staff who would leave are not (severance follows their own
    # country's law, which has no figure here).
    own = elsewhere(reference, organisation, buyer, own_figures=True, own_inhouse_cost=150_000, displaced_staff=3)
    ev = own.record.evaluation
    assert "own_inhouse_cost" in ev.visible and "displaced_staff" not in ev.visible
    cost = ev.cost
    assert cost.available and cost.is_tco and cost.currency == "USD" and cost.home_market == "other"
    figures = {f.key: f for f in cost.figures}
    assert figures["inhouse.salary"].supplied and figures["inhouse.salary"].likely == 150_000
    assert figures["inhouse.wage_growth"].weak  # no benchmark of pay rises where they are: the product's band
    assert "inhouse.severance_months" not in figures and "inhouse.oncost" not in figures
    assert figures["fx"].likely == 1
    assert cost.models and cost.provider_fees == ()
    home = next(i for i in cost.inhouse_inputs if i.label == "Home market")
    assert home.value == "Elsewhere (USD)" and "your own loaded cost, in US dollars" in home.source
    caveat = cost_caveat(ev)
    assert caveat is not None and caveat.headline != NOT_COMPARED
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[own.pk])).content.decode())
    assert "against keeping it in-house at your own loaded cost (your figure, in US dollars" in page
    assert "in-house costs from your own figure" in page
    assert "OTHER" not in page and "No saving is estimated" not in page
    for name in ("memo_pdf", "what_if", "cost_csv", "export_json"):
        assert buyer_client.get(reverse(f"recommendations:{name}", args=[own.pk])).status_code == 200, name


def test_a_buyer_elsewhere_who_types_a_cost_in_yen_is_asked_for_dollars_on_the_review_and_beside_the_cost(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = dict(reference.golden_cases.get(name__startswith="Textbook KPO: a US fund").answers)
    answers.update(buyer_location="other", home_market="other", own_figures=True, own_inhouse_cost=9_000_000)
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    said = "9,000,000 US dollars a year for one person, all in, is more than 1,000,000"
    review = html.unescape(buyer_client.get(reverse("questionnaire:review", args=[a.pk])).content.decode())
    assert said in review
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert [c.roles for c in rec.record.evaluation.cost.checks] == [("own_inhouse_cost", "home_market")]
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert said in page


def test_a_buyer_elsewhere_whose_own_cost_is_below_the_providers_reads_it_beside_the_verdict(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    low = elsewhere(reference, organisation, buyer, own_figures=True, own_inhouse_cost=20_000).record.evaluation
    assert low.cost.available and low.verdict != "doesnt_win"
    caveat = cost_caveat(low)
    top = next(m for m in low.cost.models if m.model == low.top.code)  # type: ignore[union-attr]
    assert caveat is not None and caveat.warning and top.savings_percent is not None
    assert f"; likely to cost {round(-top.savings_percent)}% more than in-house" in caveat.headline
    assert caveat.headline.startswith("on fit") and "a saving" in caveat.headline  # how likely one is, too
    # The same answers without the figure keep the provider fees and the level at which the two are even.
    plain = elsewhere(reference, organisation, buyer).record.evaluation
    assert not plain.cost.available and plain.cost.provider_fees
    assert cost_caveat(plain).headline == NOT_COMPARED  # type: ignore[union-attr]


def test_a_buyer_elsewhere_with_a_providers_quote_is_costed_at_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = elsewhere(reference, organisation, buyer, own_figures=True, quoted_rate=30)
    assert "quoted_rate" in rec.record.evaluation.visible
    cost = rec.record.evaluation.cost
    team = next(f for f in cost.provider_fees if f.model == "captive-team")
    fees = next(x for x in team.lines if x.label == "Provider fees")
    assert fees.supplied and team.horizon == fees.horizon
    assert [(i.value, i.source) for i in team.inputs] == [("$30/h", "your quote")]  # no location index on a quote
    # The fees a US buyer with the same quote is shown, and not the benchmark's.
    us = elsewhere(reference, organisation, buyer, home_market="us", own_figures=True, quoted_rate=30)
    us_team = next(m for m in us.record.evaluation.cost.models if m.model == "captive-team")
    assert team.horizon == next(x.horizon for x in us_team.lines if x.label == "Provider fees")
    plain = elsewhere(reference, organisation, buyer).record.evaluation.cost
    assert team.horizon != next(f.horizon for f in plain.provider_fees if f.model == "captive-team")
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "Your figure" in page and "your quote" in page


PARALLEL = "Transition and knowledge transfer (parallel running)"


def test_a_buyer_elsewhere_sees_each_options_whole_cost_but_what_rests_on_in_house_pay(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = elsewhere(reference, organisation, buyer)
    cost = rec.record.evaluation.cost
    us = elsewhere(reference, organisation, buyer, home_market="us").record.evaluation.cost
    assert cost.provider_fees and us.available
    person_years = min(cost.team_size, cost.annual_hours / 2000) * cost.horizon_years
    for f in cost.provider_fees:
        model = next(m for m in us.models if m.model == f.model)
        # Every line of the US buyer's cost is kept, with the same range, but those that rest on in-house pay.
        assert f.left_out == (PARALLEL,)
        assert [(x.label, x.horizon) for x in f.lines] == [
            (x.label, x.horizon) for x in model.lines if x.label not in f.left_out
        ]
        assert f.total is not None and f.level is not None
        # With every input at its likely value the lines add up, so the likely total is the US total less them.
        dropped = sum(x.horizon[1] for x in model.lines if x.label in f.left_out)
        assert f.total[1] == pytest.approx(model.tco.horizon[1] - dropped, rel=1e-6)
        assert f.total[0] < f.total[1] < f.total[2] and f.total[2] < model.tco.horizon[2]
        assert f.level == pytest.approx(tuple(x / person_years for x in f.total))
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    table = re.search(r'<table class="table" id="provider-fees">.*?</table>', page, re.S)
    assert table is not None and "Level, a person-year" in table.group(0)
    for f in cost.provider_fees:
        assert f.total is not None and f.level is not None and f.horizon is not None
        row = re.search(rf"<th scope=\"row\">{re.escape(f.name)}.*?</tr>", table.group(0), re.S)
        assert row is not None, f.name
        for figure in (f.total[1], f.horizon[1], f.level[1]):
            assert cost.amount(figure) in row.group(0)
        details = re.search(rf"<summary>{re.escape(f.name)}: every line over .*?</details>", page, re.S)
        assert details is not None, f.name
        assert all(x.label in details.group(0) and x.formula in details.group(0) for x in f.lines)
        assert f"Not counted, because it rests on your in-house pay: {PARALLEL}." in details.group(0)
    rows = list(
        csv.DictReader(
            io.StringIO(
                buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode("utf-8-sig")
            )
        )
    )
    first = cost.provider_fees[0]
    assert first.total is not None and first.level is not None
    mine = [r for r in rows if r["option"] == first.name]
    assert [r["item"] for r in mine if r["kind"] in ("one_time", "recurring")] == [x.label for x in first.lines]
    total = next(r for r in mine if r["kind"] == "total")
    assert total["likely"] == f"{first.total[1]:.2f}" and PARALLEL in total["note"]
    level = next(r for r in mine if r["kind"] == "level")
    assert (level["currency"], level["likely"]) == ("USD", f"{first.level[1]:.2f}")
    assert buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk])).status_code == 200


def test_beside_the_verdict_a_buyer_elsewhere_reads_the_recommended_models_cost_and_level(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = elsewhere(reference, organisation, buyer)
    ev = rec.record.evaluation
    assert ev.verdict != "doesnt_win" and ev.top is not None
    top = next(f for f in ev.cost.provider_fees if f.model == ev.top.code)
    assert top.total is not None and top.level is not None
    caveat = cost_caveat(ev)
    assert caveat is not None and not caveat.warning
    assert caveat.text.startswith(f"Likely cost with {top.name}: {ev.cost.amount(top.total[1])} over ")
    assert f"costs you more than about {ev.cost.amount(top.level[1])} a year, all in" in caveat.text
    assert ("rests on a weak source" in caveat.text) == top.weak
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert caveat.text in page
    # The verdict's own words say the cost was not compared, as they say when it argues against the verdict.
    assert caveat.headline == "on fit; its cost is not compared with your in-house pay"
    assert f'{ev.verdict_label} <span class="verdict__qualifier">({caveat.headline})</span></h2>' in page
    # Kept in-house, no outsourced cost is put beside the verdict; nor where the total was not stored.
    assert cost_caveat(replace(ev, verdict="doesnt_win")) is None
    fees_alone = tuple(replace(f, total=None, level=None) for f in ev.cost.provider_fees)
    assert cost_caveat(replace(ev, cost=replace(ev.cost, provider_fees=fees_alone))) is None


def test_beside_the_verdict_a_cheaper_option_is_named_when_it_is_a_tenth_or_more_cheaper(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    ev = elsewhere(reference, organisation, buyer).record.evaluation
    assert ev.top is not None and len(ev.cost.provider_fees) > 1
    top = next(f for f in ev.cost.provider_fees if f.model == ev.top.code)
    other = next(f for f in ev.cost.provider_fees if f is not top)
    assert top.total is not None and top.level is not None

    def priced(level: float) -> EvaluationRecord:
        total = (level * 0.9, level, level * 1.1)  # a total whose every figure is the level's, for the test
        cheaper = replace(other, total=total, level=total)
        fees = tuple(cheaper if f is other else f for f in ev.cost.provider_fees)
        return replace(ev, cost=replace(ev.cost, provider_fees=fees))

    caveat = cost_caveat(priced(top.level[1] * 0.8))
    assert caveat is not None
    amount = ev.cost.amount(top.level[1] * 0.8)
    basis = next(m.pricing_basis for m in ev.models if m.code == other.model)
    estimate = (
        ", on an estimate (the dedicated rate with an assumed premium: no source publishes its prices), so a quote "
        "for it would show whether it does"
        if basis in ("hourly", "outcome")
        else ""
    )
    # Review 164: said as a buyer with a benchmark reads it, ranked lower on fit.
    assert caveat.text.endswith(
        f" {other.name} would likely cost less{estimate}: {amount} over {ev.cost.period}, level with in-house at "
        f"about {amount} a person-year; it ranks lower on fit, for the reasons in the ranking."
    )
    for level in (top.level[1] * 0.95, top.level[1] * 1.5):  # less than a tenth cheaper, or dearer: not named
        said = cost_caveat(priced(level))
        assert said is not None and "would likely cost less" not in said.text


def test_a_project_is_priced_without_a_location_index_and_never_named_the_cheaper_option(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    answers = dict(reference.golden_cases.get(name__startswith="Cost model: light, irregular research").answers)
    answers.update(buyer_location="other", home_market="other")
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    project = next(f for f in ev.cost.provider_fees if f.model == "project")
    assert [i.label for i in project.inputs] == ["Project-based engagement: price per deliverable (USD)"]
    assert ev.top is not None and ev.top.code != "project"
    top = next(f for f in ev.cost.provider_fees if f.model == ev.top.code)
    assert top.level is not None
    tiny = (1.0, 1.0, 1.0)  # the project made far cheaper than anything else
    fees = tuple(replace(f, total=tiny, level=tiny) if f is project else f for f in ev.cost.provider_fees)
    caveat = cost_caveat(replace(ev, cost=replace(ev.cost, provider_fees=fees)))
    assert caveat is not None and project.name not in caveat.text


def test_the_memos_headline_figures_give_a_buyer_elsewhere_the_cost_and_level_not_not_estimated(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = elsewhere(reference, organisation, buyer)
    ev = rec.record.evaluation
    assert ev.top is not None
    top = next(f for f in ev.cost.provider_fees if f.model == ev.top.code)
    assert top.total is not None and top.level is not None
    memo = html.unescape(re.sub(r"\s+", " ", render_memo_html(rec, "http://testserver/")))
    figures = re.search(r'<dl class="figures">.*?</dl>', memo)
    assert figures is not None
    text = re.sub(r"<[^>]+>", " ", figures.group(0))
    assert f"Likely cost, {top.name}" in text and ev.cost.amount(top.total[1]) in text
    assert "Level with in-house, a person-year" in text and ev.cost.amount(top.level[1]) in text
    assert "not estimated" not in text and "not worked out" in text
    # Stored before the totals, the memo reads as it did.
    document = rec.snapshot
    for fees in document["evaluation"]["cost"]["provider_fees"]:
        del fees["total"], fees["level"]
    old = store(document, organisation=organisation, user=buyer, playbook=reference)
    assert "Likely cost, top model not estimated" in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", render_memo_html(old, "http://testserver/"))
    )


def test_comparing_a_buyer_elsewhere_shows_the_cost_without_in_house_pay_and_the_level(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    there = elsewhere(reference, organisation, buyer)
    us = elsewhere(reference, organisation, buyer, home_market="us")
    cost = there.record.evaluation.cost
    first = cost.provider_fees[0]
    assert first.total is not None and first.level is not None
    rows = {row.what: row.values for row in comparison_rows([there, us])}
    expected = (
        f"{first.name}: {cost.amount(first.total[1])} over {cost.period} in US dollars, before moving the work"
        f" (no in-house benchmark; level with in-house at {cost.amount(first.level[1])} a person-year)"
    )
    ranked_first = there.record.evaluation.models[0]
    assert ranked_first.code == first.model  # the first model is costed here, so it is named without a caveat
    assert rows["Cost (likely)"][0] == expected
    assert "(in-house " in rows["Cost (likely)"][1]
    page = buyer_client.get(reverse("recommendations:compare") + f"?ids={there.pk}&ids={us.pk}")
    assert page.status_code == 200 and expected in html.unescape(page.content.decode())


def test_an_own_centre_for_a_buyer_elsewhere_is_costed_without_provider_fees(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = dict(reference.golden_cases.get(name__startswith="Health insurer in the US with an entity").answers)
    answers.update(buyer_location="other", home_market="other")
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    centre = next(f for f in rec.record.evaluation.cost.provider_fees if f.model == "own-centre")
    assert centre.horizon is None and centre.total is not None
    assert "Provider fees" not in [x.label for x in centre.lines]
    assert "Your own centre (staff at cost, entity, facilities, HR)" in [x.label for x in centre.lines]
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    row = re.search(rf"<th scope=\"row\">{re.escape(centre.name)}.*?</tr>", page, re.S)
    assert row is not None and "none: no provider" in row.group(0)
    assert rec.record.evaluation.cost.amount(centre.total[1]) in row.group(0)


def test_a_buyer_elsewhere_stored_with_the_fees_alone_reads_them_as_it_did(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    document = elsewhere(reference, organisation, buyer).snapshot
    for fees in document["evaluation"]["cost"]["provider_fees"]:
        for key in ("total", "lines", "level", "left_out"):
            del fees[key]
    old = store(document, organisation=organisation, user=buyer, playbook=reference)
    cost = old.record.evaluation.cost
    assert cost.provider_fees and all(f.total is None and f.lines == () for f in cost.provider_fees)
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[old.pk])).content.decode())
    assert "Set these fees beside your own loaded cost of the same work" in page
    assert "Level with in-house" not in page
    rows = buyer_client.get(reverse("recommendations:cost_csv", args=[old.pk])).content.decode("utf-8-sig")
    assert ',"provider_fees",' in rows and ',"level",' not in rows


def test_a_buyer_elsewhere_stored_before_the_fees_reads_the_reason_alone(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    document = elsewhere(reference, organisation, buyer).snapshot
    del document["evaluation"]["cost"]["provider_fees"]
    old = store(document, organisation=organisation, user=buyer, playbook=reference)
    assert old.record.evaluation.cost.provider_fees == ()
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[old.pk])).content.decode())
    assert f"No cost estimate: {old.record.evaluation.cost.reason}" in page and 'id="provider-fees"' not in page


def test_a_weak_rate_for_a_centre_of_the_buyers_own_is_checked_against_employing_people_not_a_providers_quote(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    ev = elsewhere(reference, organisation, buyer).record.evaluation
    assert ev.top is not None
    fees = tuple(replace(f, weak=True) if f.model == ev.top.code else f for f in ev.cost.provider_fees)
    weak = replace(ev, cost=replace(ev.cost, provider_fees=fees))
    provider = cost_caveat(weak)
    assert (
        provider is not None and "Its rate rests on a weak source: verify it with a provider's quote." in provider.text
    )
    models = tuple(replace(m, pricing_basis="owned_centre") if m.code == ev.top.code else m for m in ev.models)
    owned = cost_caveat(replace(weak, models=models))
    assert owned is not None and "provider's quote" not in owned.text
    assert "Its staff cost rests on a weak source: verify it with what employing people for this work costs there." in (
        owned.text
    )
