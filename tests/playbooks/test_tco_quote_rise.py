"""A quote's yearly rise: the price-adjustment clause of the buyer's quote (review 33: a quoted $28 an hour rose by
Poland's assumed 7% wage inflation a year, a figure with no published source, and a saving became a cost). Given,
the models priced from the quote rise by it; those priced from the benchmark, and the in-house side, do not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import tco
from apps.playbooks.models import Playbook
from tests.playbooks.test_tco import _case, _collapsed, _model
from tests.recommendations.test_total_cost import answered

QUOTED = {"captive-team": (30.0, 30.0, 30.0)}


def _fees(code: str, **changes: Any) -> float:
    result = tco.simulate(_collapsed(_case(years=5, **changes)))
    return {line.label: line.horizon[1] for line in _model(result, code).lines}["Provider fees"]


def test_a_quoted_model_rises_by_the_quotes_clause_and_the_others_by_the_locations_pay() -> None:
    inflation = _case().figures["location.inflation"].likely
    flat = _fees("captive-team", quotes=QUOTED, quote_rise=0.0)
    with_clause = _fees("captive-team", quotes=QUOTED, quote_rise=0.03)
    assumed = _fees("captive-team", quotes=QUOTED)
    assert flat < with_clause < assumed and inflation > 0.03
    # Five years at 3% on the first year's fees (the first year's ramp-up aside, the same in each).
    year = flat / 5
    assert with_clause == pytest.approx(year * sum(1.03**y for y in range(5)), rel=0.02)
    # A model the quote does not price keeps the location's wage inflation.
    assert _fees("shared-pool", quote_rise=0.0) == _fees("shared-pool")
    figure = _case(quotes=QUOTED, quote_rise=0.03).figures["quote.rise"]
    assert figure.supplied and figure.likely == 0.03 and figure.label == "Yearly rise of your quoted price"
    assert "quote.rise" not in _case(quote_rise=0.03).figures  # no quote, nothing for it to raise
    assert tco.seed_for(_case(quotes=QUOTED, quote_rise=0.03)) != tco.seed_for(_case(quotes=QUOTED))


@pytest.mark.django_db
def test_a_buyer_giving_its_quotes_clause_reads_it_as_its_own_figure(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    base = {"own_figures": True, "quoted_rate": 28}
    assumed = answered(reference, organisation, buyer, "US hedge fund", **base)
    clause = answered(reference, organisation, buyer, "US hedge fund", **base, quote_rise=3)
    figure = next(f for f in clause.record.evaluation.cost.figures if f.key == "quote.rise")
    assert figure.supplied and figure.source == "your quote"
    top = clause.record.evaluation.top.code  # type: ignore[union-attr]
    saving = {
        r.pk: next(m for m in r.record.evaluation.cost.models if m.model == top).savings[1] for r in (assumed, clause)
    }
    assert saving[clause.pk] > saving[assumed.pk]  # fees rise less than the location's assumed wage inflation
    page = buyer_client.get(reverse("recommendations:detail", args=[clause.pk])).content.decode()
    assert "Yearly rise of your quoted price" in page


def test_the_fee_formula_names_the_quotes_rise_where_it_applies() -> None:
    def formula(code: str, **changes: Any) -> str:
        result = tco.simulate(_collapsed(_case(**changes)))
        return next(line.formula for line in _model(result, code).lines if line.label == "Provider fees")

    assert "(1 + your quote's yearly rise)^year" in formula("captive-team", quotes=QUOTED, quote_rise=0.03)
    assert "(1 + location wage inflation)^year" in formula("captive-team", quotes=QUOTED)
    assert "(1 + location wage inflation)^year" in formula("shared-pool", quotes=QUOTED, quote_rise=0.03)


@pytest.mark.django_db
def test_a_quotes_rise_takes_a_fraction_of_a_percent(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 41: 2.5% caps are common in contracts, and "Enter a whole number." refused them.
    from apps.playbooks.engine.answers import clean_answers
    from apps.playbooks.runtime import compiled_playbook

    questions = compiled_playbook(reference).questions
    assert clean_answers(questions, {"quote_rise": "2.5"}) == ({"quote_rise": 2.5}, {})
    assert "quote_rise" in clean_answers(questions, {"quote_rise": "26"})[1]  # still at most 25
    rec = answered(reference, organisation, buyer, "US hedge fund", own_figures=True, quoted_rate=28, quote_rise=2.5)
    figure = next(f for f in rec.record.evaluation.cost.figures if f.key == "quote.rise")
    assert figure.likely == pytest.approx(0.025)
