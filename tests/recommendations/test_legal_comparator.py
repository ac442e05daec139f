"""Legal review priced against a lawyer's pay: without the buyer's own in-house figure, the result says who the
comparator is and asks for the cost of the people who do the work today; with it, it says nothing."""

from __future__ import annotations

import json

import pytest

from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.models import Playbook
from apps.playbooks.reference import DATA_FILE
from apps.playbooks.runtime import compiled_playbook

pytestmark = pytest.mark.django_db
CASES = {c["name"]: c for c in json.loads(DATA_FILE.read_text())["golden_cases"]}
REVIEW = CASES["AmLaw 200 firm: steady e-discovery review by a dedicated offshore team"]["answers"]
RULE = "legal-review-inhouse-comparator"


def _risks(playbook: Playbook, **changes: object) -> dict[str, str]:
    compiled = compiled_playbook(playbook)
    answers, problems = clean_answers(compiled.questions, {**REVIEW, **changes})
    assert not problems
    return {r.rule: r.mitigation for r in evaluate(compiled, answers).risks}


def test_legal_review_without_an_own_figure_names_the_lawyer_comparator(reference: Playbook) -> None:
    risks = _risks(reference)
    assert RULE in risks
    assert "SOC 23-2011" in risks[RULE] and "$145,760" in risks[RULE]


def test_an_own_in_house_figure_or_other_work_needs_no_such_warning(reference: Playbook) -> None:
    assert RULE not in _risks(reference, own_figures=True, own_inhouse_cost=100_000)
    assert RULE not in _risks(reference, function="financial-analysis")


def test_a_buyer_elsewhere_is_not_asked_for_an_in_house_figure_it_cannot_give(reference: Playbook) -> None:
    # No in-house cost is worked out in a currency the product does not know, and no figure of one can be entered,
    # so no comparator is named and no figure asked for (the cost section says what the options would cost).
    risks = _risks(reference, home_market="other", buyer_location="other")
    assert not [rule for rule in risks if rule.endswith("inhouse-comparator-outside-us") or rule == RULE]
    for market in ("uk", "eu"):
        assert f"{RULE}-outside-us" in _risks(reference, home_market=market)
