"""Where a location's known strengths move the ranking: India's depth counts for the functions the location facts
name it strong in (analytics, research, legal process, finance and engineering), and South Africa's finance and
insurance talent is named for the UK and European buyers it is given to."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db


def india_depth(ev: Evaluation) -> list[int]:
    india = next(loc for loc in ev.locations if loc.code == "india")
    return [c.points for c in india.contributions if c.rule == "india-analytical-depth"]


def test_engineering_design_counts_india_s_engineering_depth_as_research_does(reference: Playbook) -> None:
    assert india_depth(evaluated_case(reference, "US engineering firm: MEP design")) == [10]
    assert india_depth(evaluated_case(reference, "US hedge fund")) == [10]
    # Coding is not among the strengths the facts give India, so it earns nothing from this rule.
    assert india_depth(evaluated_case(reference, "US hospital group")) == []


def test_south_africa_s_finance_talent_is_named_for_uk_and_european_buyers(reference: Playbook) -> None:
    ev = evaluated_case(reference, "EU insurer: reserving models")
    names = {f.name for f in ev.fired}
    assert "South African finance and insurance talent for UK and European buyers" in names


def test_the_us_revenue_cycle_workforce_counts_for_us_healthcare_buyers_only(reference: Playbook) -> None:
    def rcm(ev: Evaluation) -> dict[str, int]:
        return {
            loc.code: c.points
            for loc in ev.locations
            for c in loc.contributions
            if c.rule == "philippines-healthcare-support"
        }

    assert rcm(evaluated_case(reference, "US hospital group")) == {"philippines": 10, "india": 5}
    # An NHS trust codes in ICD-10 and OPCS-4: the US claims workforce gains it nothing.
    assert rcm(evaluated_case(reference, "Public body: an NHS trust")) == {}
