"""A model the advice warns off is not costed: the cost table, its chart, the memo (the same section) and the
cost CSV show no saving on it, and say beside the table why it is left out. A shared pool scores well on irregular
hours, but a rule takes 70 points off it for inside information; the CFO scanning the table must not read its
bigger saving as an option."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from tests.recommendations.conftest import recommend
from tests.recommendations.golden import evaluated_case
from tests.recommendations.test_short_work import _text

pytestmark = pytest.mark.django_db
INSIDE = "Deal research with inside information"
POOL = "Shared pool / pay-per-use"


def test_a_model_the_advice_counts_against_is_not_costed_and_says_why(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSIDE)

    pool = next(m for m in ev.models if m.code == "shared-pool")
    assert pool.score < 0 and not pool.excluded_because
    assert ev.models[0].code == "project" and ev.cost.available
    assert "shared-pool" not in {m.model for m in ev.cost.models}
    why = dict(ev.cost.skipped)[POOL]
    assert f"score {pool.score:+d}" in why and "No shared pool for inside information" in why


def test_the_same_work_without_inside_information_costs_the_pool(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSIDE, data_categories=["none"])

    assert "shared-pool" in {m.model for m in ev.cost.models}
    assert POOL not in dict(ev.cost.skipped)


def test_the_page_and_the_cost_csv_say_the_pool_is_not_costed(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, INSIDE)

    page = _text(buyer_client, rec.pk)
    assert f"{POOL} is not costed: the advice warns it off" in page
    text = buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode()
    pool_rows = [row for row in csv.reader(io.StringIO(text)) if row[0] == POOL]
    assert pool_rows and all("Not costed" in row for row in pool_rows)
