"""Each function is priced in-house at one occupation's pay unless the buyer gives its own figure (legal review and
patent research at a lawyer's, analytics at a market research analyst's, revenue cycle at a medical coder's,
engineering design at a civil engineer's, the financial close at a financial analyst's): where other occupations
usually do the work, the buyer is told so, with US occupations and figures only where the home market is the US,
and every figure not checked against its release marked weak."""

from __future__ import annotations

import re
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


def test_a_buyer_elsewhere_whose_in_house_cost_is_not_worked_out_is_not_told(reference: Playbook) -> None:
    # No in-house figure is priced (nor can one be entered) in a currency the product does not know.
    for case in ("Biotech: one-off patent landscape", "AmLaw 200 firm: steady e-discovery review"):
        assert mitigations(reference, case, home_market="other", buyer_location="other") == [], case


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


RCM = "The in-house cost is a medical coder's, which may not be who does this work today"
MEP = "The in-house cost is a civil engineer's, which may not be who does this work today"
CLOSE = "The in-house cost is a financial analyst's, which may not be who does this work today"


def told(reference: Playbook, case: str, title: str, **changes: Any) -> list[str]:
    compiled = compiled_playbook(reference)
    answers, problems = clean_answers(
        compiled.questions, {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    )
    assert not problems
    return [r.mitigation for r in evaluate(compiled, answers).risks if r.title == title]


@pytest.mark.parametrize(
    ("case", "title", "named"),
    [
        ("US hospital group: steady medical coding", RCM, ("SOC 29-2072", "SOC 29-9021", "SOC 15-2051", "SOC 29-1141")),
        (
            "US engineering firm: MEP design and BIM",
            MEP,
            ("SOC 17-2051", "SOC 17-2141, 17-2071", "SOC 17-3011, 17-3013"),
        ),
        ("Month-end close team that must sit", CLOSE, ("SOC 13-2051", "SOC 13-2011", "SOC 43-3031")),
    ],
)
def test_a_us_buyer_is_told_which_occupations_do_the_work_without_unchecked_figures(
    reference: Playbook, case: str, title: str, named: tuple[str, ...]
) -> None:
    (found,) = told(reference, case, title)
    assert all(code in found for code in named), found
    assert "BLS OEWS" in found and "weak" in found and not re.search(r"\$\d", found)


@pytest.mark.parametrize(
    ("case", "title"),
    [
        ("Public body: an NHS trust's clinical coding", RCM),
        ("EU dual-use drawings: a German machine builder's CAD work", MEP),
        ("UK bank: financial modelling for a critical function", CLOSE),
    ],
)
def test_a_uk_or_euro_area_buyer_is_told_without_us_codes_or_figures(
    reference: Playbook, case: str, title: str
) -> None:
    (found,) = told(reference, case, title)
    assert "SOC" not in found and "$" not in found and "cost figures of your own" in found


def test_no_warning_with_a_figure_of_its_own_or_without_a_cost(reference: Playbook) -> None:
    case = "US engineering firm: MEP design and BIM"
    assert told(reference, case, MEP, own_figures=True, own_inhouse_cost=110000) == []
    assert told(reference, "Canadian engineering firm: MEP design and BIM", MEP) == []


def test_a_us_law_firm_is_told_first_level_review_is_often_bought_from_contract_attorney_agencies(
    reference: Playbook,
) -> None:
    # Review 84: e-discovery priced against salaried lawyers only, where US first-level review is usually bought by the
    # hour from contract-attorney agencies; the figure is old and weak, and said so.
    (found,) = mitigations(reference, "AmLaw 200 firm: steady e-discovery review")
    assert "contract attorneys hired by the hour through an agency" in found
    assert "$35–50 an hour in a 2009 report" in found and "weak and old" in found and "about $104,000" in found
