"""A buyer outside the US, the UK and Europe: the locations are not excluded for overlap measured against a
working day that is not theirs, and the result page says their overlap was not checked."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
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
        assert f.inputs[0].source in row.group(0)
    assert "in US dollars" in page and "your own loaded cost of the same work" in page
    memo = buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk]))
    assert memo.status_code == 200
    rows = list(
        csv.DictReader(
            io.StringIO(buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode())
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


def test_the_fees_leave_out_a_buyer_elsewheres_own_in_house_cost_in_an_unknown_currency(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    plain = elsewhere(reference, organisation, buyer).record.evaluation.cost
    own = elsewhere(reference, organisation, buyer, own_figures=True, own_inhouse_cost=9_000_000)
    cost = own.record.evaluation.cost
    assert not cost.available and cost.provider_fees == plain.provider_fees


def test_a_buyer_elsewhere_stored_before_the_fees_reads_the_reason_alone(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    document = elsewhere(reference, organisation, buyer).snapshot
    del document["evaluation"]["cost"]["provider_fees"]
    old = store(document, organisation=organisation, user=buyer, playbook=reference)
    assert old.record.evaluation.cost.provider_fees == ()
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[old.pk])).content.decode())
    assert f"No cost estimate: {old.record.evaluation.cost.reason}" in page and 'id="provider-fees"' not in page
