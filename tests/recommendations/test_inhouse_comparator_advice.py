"""Legal review and patent research are priced in-house at a lawyer's pay unless the buyer gives its own figure:
the buyer is told so, with US wage figures only where the home market is the US."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook

pytestmark = pytest.mark.django_db
TITLE = "The in-house cost is a lawyer's, which may not be who does this work today"


def mitigations(reference: Playbook, case: str, **changes: Any) -> list[str]:
    compiled = compiled_playbook(reference)
    answers, problems = clean_answers(
        compiled.questions, {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    )
    assert not problems
    return [r.mitigation for r in evaluate(compiled, answers).risks if r.title == TITLE]


def test_a_us_law_firm_reads_the_us_wage_figures(reference: Playbook) -> None:
    (found,) = mitigations(reference, "AmLaw 200 firm: steady e-discovery review")
    assert "$145,760" in found and "SOC 23-2011" in found


def test_a_uk_law_firm_reads_no_us_dollar_figures(reference: Playbook) -> None:
    (found,) = mitigations(reference, "UK law firm: one-off contract review")
    assert "$" not in found and "paralegals or contract reviewers" in found


def test_patent_research_is_told_its_in_house_figure_is_a_lawyers(reference: Playbook) -> None:
    (found,) = mitigations(reference, "Biotech: one-off patent landscape")
    assert "patent searchers" in found


def test_with_a_figure_of_its_own_the_buyer_is_not_told(reference: Playbook) -> None:
    assert mitigations(reference, "Biotech: one-off patent landscape", own_figures=True, own_inhouse_cost=90000) == []


ANALYTICS = "The in-house cost is a market research analyst's, which may not be who does this work today"


def analytics(reference: Playbook, case: str, **changes: Any) -> list[str]:
    compiled = compiled_playbook(reference)
    answers, problems = clean_answers(
        compiled.questions, {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    )
    assert not problems
    return [r.mitigation for r in evaluate(compiled, answers).risks if r.title == ANALYTICS]


def test_us_analytics_is_told_data_scientists_and_actuaries_are_paid_more(reference: Playbook) -> None:
    (found,) = analytics(reference, "Textbook KPO: steady market analytics for a US consumer brand")
    assert "$108,020" in found and "SOC 15-2051" in found and "13-1161" in found and "weak" in found


def test_uk_analytics_is_told_without_us_dollar_figures(reference: Playbook) -> None:
    (found,) = analytics(reference, "UK fintech: two data scientists working under its own lead")
    assert "$" not in found and "data scientists or actuarial analysts" in found


def test_analytics_with_a_figure_of_its_own_is_not_told(reference: Playbook) -> None:
    case = "UK fintech: two data scientists working under its own lead"
    assert analytics(reference, case, own_figures=True, own_inhouse_cost=70000) == []
