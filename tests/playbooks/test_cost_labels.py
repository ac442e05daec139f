"""The cost inputs read as people write them: 12,000 not 12000, 1 year not 1 years, and each figure says
where it came from (the buyer's answer, or worked out from the other answer), never both at once."""

from __future__ import annotations

from typing import Any

from apps.playbooks.engine.cost import estimate

MODELS: dict[str, dict[str, Any]] = {
    "captive-team": {"name": "Dedicated team", "pricing_basis": "monthly_team", "rate": [30, 45, 60]},
    "shared-pool": {"name": "Shared pool", "pricing_basis": "hourly", "rate": [30, 45, 60]},
}
FUNCTIONS: dict[str, dict[str, Any]] = {"analytics": {"name": "Analytics", "inhouse_us": [60, 80, 100]}}


def _inputs(**answers: Any) -> dict[str, tuple[str, str]]:
    cost = estimate(
        MODELS,
        FUNCTIONS,
        ["captive-team", "shared-pool"],
        function_code="analytics",
        deliverables=None,
        home_market="us",
        **{"annual_hours": None, "team_size": None, "horizon_years": None, **answers},
    )
    found = {f"inhouse {i.label}": (i.value, i.source) for i in cost.inhouse_inputs}
    for m in cost.models:
        found.update({f"{m.model} {i.label}": (i.value, i.source) for i in m.inputs})
    return found


def test_hours_answered_and_people_worked_out() -> None:
    inputs = _inputs(annual_hours=12000, horizon_years=1)
    assert inputs["inhouse Annual hours"] == ("12,000", "your answer")
    assert inputs["inhouse Horizon"] == ("1 year", "your answer")
    assert inputs["captive-team People"] == ("6", "annual hours ÷ 2,000 h")
    assert inputs["shared-pool Annual hours"] == ("12,000", "your answer")


def test_people_answered_and_hours_worked_out() -> None:
    inputs = _inputs(team_size=4, horizon_years=3)
    assert inputs["inhouse Annual hours"] == ("8,000", "people × 2,000 h")
    assert inputs["inhouse Horizon"] == ("3 years", "your answer")
    assert inputs["captive-team People"] == ("4", "your answer")
    assert inputs["shared-pool Annual hours"] == ("8,000", "people × 2,000 h")


def test_each_figure_carries_its_own_sources_not_its_functions_whole_list() -> None:
    functions = {
        "analytics": {
            "name": "Analytics",
            "inhouse_us": [60, 80, 100],
            "kpo_rate": [15, 25, 35],
            "sources": [
                {"title": "Rate survey", "figures": ["kpo_rate"]},
                {"title": "Wage statistics", "figures": ["inhouse_us"]},
                {"title": "A regulation the function must follow"},
            ],
        }
    }
    cost = estimate(
        MODELS,
        functions,
        ["shared-pool"],
        function_code="analytics",
        annual_hours=2000,
        team_size=None,
        deliverables=None,
        horizon_years=1,
        home_market="us",
    )
    inhouse = {i.label: i.source for i in cost.inhouse_inputs}
    rate = {i.label: i.source for i in cost.models[0].inputs}
    assert inhouse["In-house hourly cost (US)"] == "Wage statistics"
    assert rate["Analytics offshore hourly rate"] == "Rate survey"
