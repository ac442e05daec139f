"""The engine on plain data, with no database: effects, verdicts, ranking, and each cost model."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.evaluate import needs_transfer_tool

SOURCE = [{"title": "Article", "url": "https://example.test"}]
CATALOGUE: dict[str, Any] = {
    "models": {
        "captive-team": {
            "name": "Captive team",
            "is_kpo": True,
            "pricing_basis": "monthly_team",
            "rate": [30, 45, 60],
            "commitment_hours": 2000,
            "order": 1,
            "sources": SOURCE,
        },
        "project": {
            "name": "Project",
            "is_kpo": True,
            "pricing_basis": "per_deliverable",
            "price": [3000, 15000, 50000],
            "order": 2,
            "sources": SOURCE,
        },
        "shared-pool": {
            "name": "Shared pool",
            "is_kpo": True,
            "pricing_basis": "hourly",
            "rate": [38, 56, 75],
            "order": 3,
            "sources": SOURCE,
            "confidence": "weak",
        },
        "bot": {
            "name": "BOT",
            "is_kpo": True,
            "pricing_basis": "setup_plus_hourly",
            "rate": [30, 45, 60],
            "setup": [50000, 100000, 200000],
            "commitment_hours": 2000,
            "transfer_months": 24,
            "order": 4,
            "sources": SOURCE,
        },
        "bpo": {
            "name": "BPO",
            "is_kpo": False,
            "pricing_basis": "hourly",
            "rate": [5, 10, 25],
            "order": 9,
            "sources": SOURCE,
        },
    },
    "functions": {
        "research": {
            "name": "Equity research",
            "kpo_rate": [15, 25, 35],
            "inhouse_us": [45, 80, 120],
            "sources": SOURCE,
        },
        "analysis": {"name": "Analysis", "inhouse_us": [45, 80, 120], "sources": SOURCE},
    },
    "locations": {
        "india": {"name": "India", "overlap_us": 0, "overlap_uk": 3, "gdpr_transfer": "needs_sccs"},
        "mexico": {"name": "Mexico", "overlap_us": 6.5, "overlap_uk": 1.5, "gdpr_transfer": "needs_sccs"},
    },
    "regimes": {
        "hipaa": {
            "name": "HIPAA",
            "obligations": [
                {
                    "code": "baa",
                    "title": "Sign a BAA",
                    "action": "Before PHI flows.",
                    "phase": "in_contract",
                    "citation": "45 CFR 164.504(e)",
                },
                {
                    "code": "phi",
                    "title": "Confirm PHI",
                    "action": "De-identify if you can.",
                    "phase": "before_signing",
                    "citation": "45 CFR 160.103",
                },
            ],
        },
    },
}


def definition(rules: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    return {
        "playbook": {"id": 7, "version": 3, "title": "Test", "wins_threshold": 65, "conditional_threshold": 45, **meta},
        "sections": [
            {
                "code": "s",
                "title": "S",
                "questions": [
                    {
                        "code": "function",
                        "kind": "single",
                        "prompt": "Function?",
                        "role": "function",
                        "options": [
                            {"code": "research", "label": "Research"},
                            {"code": "analysis", "label": "Analysis"},
                        ],
                    },
                    {"code": "hours", "kind": "integer", "prompt": "Hours?", "role": "annual_hours", "required": False},
                    {"code": "team", "kind": "integer", "prompt": "People?", "role": "team_size", "required": False},
                    {
                        "code": "deliverables",
                        "kind": "integer",
                        "prompt": "Deliverables?",
                        "role": "deliverables",
                        "required": False,
                    },
                    {"code": "years", "kind": "integer", "prompt": "Years?", "role": "horizon", "required": False},
                    {"code": "x", "kind": "integer", "prompt": "X?", "required": False},
                    {"code": "phi", "kind": "yes_no", "prompt": "PHI?", "required": False},
                ],
            }
        ],
        "rules": rules,
        "catalogue": CATALOGUE,
    }


def rule(code: str, effects: list[dict[str, Any]], conditions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    conds = conditions if conditions is not None else [{"question": "x", "op": "at_least", "value": 1}]
    return {
        "code": code,
        "name": code.title(),
        "rationale": f"Because {code}.",
        "conditions": conds,
        "effects": effects,
    }


def test_fit_points_move_the_score_and_verdict() -> None:
    pb = compile_playbook(definition([rule("good", [{"kind": "fit", "points": 20}])]))
    assert evaluate(pb, {}).fit_score == 50
    assert evaluate(pb, {}).verdict == "conditional"
    result = evaluate(pb, {"x": 1})
    assert (result.fit_score, result.verdict) == (70, "wins")
    assert result.fired[0].because == ("“X?” is at least 1",)


def test_score_is_clamped_and_low_scores_do_not_win() -> None:
    pb = compile_playbook(definition([rule("bad", [{"kind": "fit", "points": -80}])]))
    result = evaluate(pb, {"x": 1})
    assert (result.fit_score, result.verdict) == (0, "doesnt_win")


def test_any_blocker_means_kpo_does_not_win_and_names_why() -> None:
    pb = compile_playbook(
        definition(
            [rule("great", [{"kind": "fit", "points": 50}]), rule("stop", [{"kind": "blocker", "text": "It is BPO."}])]
        )
    )
    result = evaluate(pb, {"x": 1})
    assert result.verdict == "doesnt_win"
    # A blocked assessment's fit score is capped below the conditional threshold; the uncapped figure is kept.
    assert (result.fit_score, result.unblocked_score) == (44, 100)
    assert [(b.rule, b.reason) for b in result.blockers] == [("stop", "It is BPO.")]


def test_models_rank_by_points_with_contribution_chains_and_bpo_excluded() -> None:
    pb = compile_playbook(
        definition(
            [
                rule(
                    "steady",
                    [
                        {"kind": "model", "target": "captive-team", "points": 10},
                        {"kind": "model", "target": "bpo", "points": 99},
                    ],
                ),
                rule("spiky", [{"kind": "model", "target": "shared-pool", "points": 15}]),
                rule("team", [{"kind": "model", "target": "captive-team", "points": 10}]),
            ]
        )
    )
    result = evaluate(pb, {"x": 1})
    assert [m.code for m in result.models] == ["captive-team", "shared-pool", "project", "bot"]
    assert [(c.rule, c.points) for c in result.models[0].contributions] == [("steady", 10), ("team", 10)]


def test_ties_are_broken_by_catalogue_order_then_code() -> None:
    pb = compile_playbook(
        definition(
            [
                rule(
                    "r",
                    [
                        {"kind": "model", "target": "bot", "points": 5},
                        {"kind": "model", "target": "project", "points": 5},
                    ],
                )
            ]
        )
    )
    assert [m.code for m in evaluate(pb, {"x": 1}).models][:2] == ["project", "bot"]


def test_regimes_come_with_obligations_grouped_by_phase() -> None:
    pb = compile_playbook(
        definition(
            [rule("phi", [{"kind": "regime", "target": "hipaa"}], [{"question": "phi", "op": "equals", "value": True}])]
        )
    )
    assert evaluate(pb, {"phi": False}).regimes == ()
    regime = evaluate(pb, {"phi": True}).regimes[0]
    assert regime.code == "hipaa"
    phases = {phase: [o["code"] for o in items] for phase, _label, items in regime.obligations}
    assert phases == {"before_signing": ["phi"], "in_contract": ["baa"], "during": []}


def test_risks_sorted_by_severity_and_locations_ranked() -> None:
    pb = compile_playbook(
        definition(
            [
                rule(
                    "r1",
                    [{"kind": "risk", "text": "Time-zone friction", "severity": "low", "mitigation": "Overlap hours."}],
                ),
                rule("r2", [{"kind": "risk", "text": "IP leakage", "severity": "high", "mitigation": "Assign IP."}]),
                rule(
                    "overlap",
                    [
                        {"kind": "location", "target": "mexico", "points": 10},
                        {"kind": "location", "target": "india", "points": -5},
                    ],
                ),
            ]
        )
    )
    result = evaluate(pb, {"x": 1})
    assert [r.title for r in result.risks] == ["IP leakage", "Time-zone friction"]
    assert [(loc.code, loc.score) for loc in result.locations] == [("mexico", 10), ("india", -5)]
    assert result.locations[0].overlap_us == 6.5


def where_delivered(*points: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"kind": "location", "target": code, "points": n} for code, n in points]


def test_a_risk_naming_a_location_is_shown_only_when_the_work_is_delivered_from_there() -> None:
    war = {"kind": "risk", "target": "india", "text": "Monsoon outages", "severity": "low", "mitigation": "Backup."}
    everywhere = {"kind": "risk", "text": "IP leakage", "severity": "high", "mitigation": "Assign IP."}
    for first, shown in (("mexico", ["IP leakage"]), ("india", ["IP leakage", "Monsoon outages"])):
        pb = compile_playbook(definition([rule("r", [war, everywhere, *where_delivered((first, 10))])]))
        result = evaluate(pb, {"x": 1})
        assert result.delivered_from == first
        assert [r.title for r in result.risks] == shown
        assert result.fired[0].effects[0] == "risk if the work is delivered from India: Monsoon outages"


def test_an_obligation_naming_locations_holds_only_when_the_work_is_delivered_from_one_of_them() -> None:
    catalogue = {**CATALOGUE, "regimes": {"hipaa": {**CATALOGUE["regimes"]["hipaa"]}}}
    baa, phi = catalogue["regimes"]["hipaa"]["obligations"]
    catalogue["regimes"]["hipaa"]["obligations"] = [{**baa, "delivered_from": ["india"]}, phi]
    for first, codes in (("mexico", ["phi"]), ("india", ["phi", "baa"])):
        pb = compile_playbook(
            {
                **definition([rule("r", [{"kind": "regime", "target": "hipaa"}, *where_delivered((first, 10))])]),
                "catalogue": catalogue,
            }
        )
        regime = evaluate(pb, {"x": 1}).regimes[0]
        listed = [o for _phase, _label, items in regime.obligations for o in items]
        assert [o["code"] for o in listed] == codes
        assert not [o for o in listed if "delivered_from" in o]  # said by being listed, not stored


def test_a_risk_naming_an_unknown_location_is_refused_at_compile_time() -> None:
    from apps.playbooks.engine import DefinitionError

    bad = {"kind": "risk", "target": "atlantis", "text": "Flooding", "severity": "low", "mitigation": "Boats."}
    with pytest.raises(DefinitionError) as info:
        compile_playbook(definition([rule("r", [bad])]))
    assert "risk effect names unknown location 'atlantis'" in str(info.value)


def test_unknown_targets_and_empty_effects_are_refused_at_compile_time() -> None:
    from apps.playbooks.engine import DefinitionError

    with pytest.raises(DefinitionError) as info:
        compile_playbook(definition([rule("r", [{"kind": "model", "target": "nope", "points": 1}]), rule("e", [])]))
    assert "model effect names unknown model 'nope'" in str(info.value)
    assert "rule e: it has no effects" in str(info.value)


# Cost models against hand-computed figures


def cost_for(model: str, answers: dict[str, Any], function: str = "analysis") -> Any:
    pb = compile_playbook(definition([rule("pick", [{"kind": "model", "target": model, "points": 50}], [])]))
    result = evaluate(pb, {"function": function, **answers})
    assert result.cost.available, result.cost.reason
    return result.cost, next(m for m in result.cost.models if m.model == model)


def test_captive_team_is_the_articles_30_to_60_dollars_on_a_2000_hour_year() -> None:
    cost, line = cost_for("captive-team", {"team": 1, "years": 1})
    assert line.annual == (60_000, 90_000, 120_000)
    assert line.horizon == (60_000, 90_000, 120_000)
    # In-house: 2,000 h (1 person x 2,000) at $45-$80-$120 an hour.
    assert cost.inhouse_annual == (90_000, 160_000, 240_000)
    assert line.savings == (90_000 - 120_000, 160_000 - 90_000, 240_000 - 60_000)
    assert line.savings_percent == 43.8


def test_the_functions_own_benchmark_is_preferred_to_the_models_generic_rate() -> None:
    _, line = cost_for("captive-team", {"team": 1, "years": 1}, function="research")
    assert line.annual == (30_000, 50_000, 70_000)
    assert "Equity research offshore hourly rate" in [i.label for i in line.inputs]


def test_captive_team_of_five_over_three_years() -> None:
    _, line = cost_for("captive-team", {"team": 5, "years": 3})
    assert line.annual == (300_000, 450_000, 600_000)
    assert line.horizon == (900_000, 1_350_000, 1_800_000)


def test_project_is_deliverables_times_price() -> None:
    _, line = cost_for("project", {"team": 1, "deliverables": 4, "years": 2})
    assert line.annual == (12_000, 60_000, 200_000)
    assert line.horizon == (24_000, 120_000, 400_000)


def test_shared_pool_is_hours_times_pool_rate() -> None:
    _, line = cost_for("shared-pool", {"hours": 1000, "years": 1})
    assert line.annual == (38_000, 56_000, 75_000)
    assert line.weak


def test_bot_is_setup_plus_operate_then_own_team_after_transfer() -> None:
    _, line = cost_for("bot", {"team": 10, "years": 3})
    monthly_hours = 10 * 2000 / 12
    operate = tuple(r * monthly_hours * 24 for r in (30, 45, 60))
    owned = tuple(r * monthly_hours * 12 for r in (30, 45, 60))
    expected = tuple(s + o + w for s, o, w in zip((50_000, 100_000, 200_000), operate, owned, strict=True))
    assert line.horizon == pytest.approx(expected)


def test_a_model_that_cannot_be_costed_says_why() -> None:
    pb = compile_playbook(definition([rule("pick", [{"kind": "model", "target": "project", "points": 50}], [])]))
    cost = evaluate(pb, {"function": "analysis", "team": 2}).cost
    assert (
        "Project",
        "it is priced per deliverable, and this assessment has no number of deliverables a year to price",
    ) in cost.skipped


def test_yes_no_conditions_must_compare_with_true_or_false() -> None:
    from apps.playbooks.engine import DefinitionError

    with pytest.raises(DefinitionError, match="a yes/no question is compared with true or false"):
        compile_playbook(
            definition(
                [rule("r", [{"kind": "fit", "points": 1}], [{"question": "phi", "op": "equals", "value": "yes"}])]
            )
        )
    with pytest.raises(DefinitionError, match="severity must be low, medium or high"):
        compile_playbook(definition([rule("r", [{"kind": "risk", "text": "x", "severity": "critical"}])]))


def test_no_cost_without_a_function_or_a_volume() -> None:
    pb = compile_playbook(definition([]))
    assert not evaluate(pb, {}).cost.available
    assert "not answered" in evaluate(pb, {}).cost.reason
    assert "Neither annual hours nor team size" in evaluate(pb, {"function": "research"}).cost.reason


# Properties

ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "x": st.integers(min_value=-5, max_value=50),
        "phi": st.booleans(),
        "hours": st.integers(min_value=0, max_value=100_000),
        "team": st.integers(min_value=1, max_value=300),
        "function": st.just("research"),
    },
)
RULES = st.lists(
    st.tuples(
        st.sampled_from(["fit", "blocker", "model", "gate"]),
        st.integers(min_value=-40, max_value=40),
        st.integers(min_value=-5, max_value=50),
    ),
    max_size=12,
)


def _random_playbook(spec: list[tuple[str, int, int]]) -> Any:
    rules = []
    for i, (kind, points, threshold) in enumerate(spec):
        effect: dict[str, Any] = {"kind": kind, "points": points}
        if kind in ("blocker", "gate"):
            effect = {"kind": kind, "text": "Blocked." if kind == "blocker" else "A licence."}
        if kind == "model":
            effect["target"] = "project"
        rules.append(rule(f"r{i}", [effect], [{"question": "x", "op": "at_least", "value": threshold}]))
    return compile_playbook(definition(rules))


@settings(max_examples=150, deadline=None)
@given(spec=RULES, answers=ANSWERS)
def test_properties_hold_for_any_rules_and_answers(spec: list[tuple[str, int, int]], answers: dict[str, Any]) -> None:
    pb = _random_playbook(spec)
    first, second = evaluate(pb, answers), evaluate(pb, dict(answers))
    assert first == second  # deterministic
    assert 0 <= first.fit_score <= 100
    if first.blockers:
        assert first.verdict == "doesnt_win"
    if first.verdict == "wins":
        assert first.fit_score >= pb.wins_threshold and not first.blockers and not first.gates
    if first.gates and not first.blockers and first.fit_score >= pb.wins_threshold:
        assert first.verdict == "conditional"  # an open gate caps the verdict, whatever the score


@settings(max_examples=100, deadline=None)
@given(spec=RULES, answers=ANSWERS)
def test_the_fast_outcome_agrees_with_the_full_evaluation(
    spec: list[tuple[str, int, int]], answers: dict[str, Any]
) -> None:
    from apps.playbooks.engine.evaluate import outcome

    pb = _random_playbook(spec)
    full, fast = evaluate(pb, answers), outcome(pb, answers)
    assert (fast.verdict, fast.fit_score, fast.top_model) == (full.verdict, full.fit_score, full.top_model)


def test_a_question_whose_minimum_is_above_its_maximum_does_not_compile() -> None:
    from apps.playbooks.engine import DefinitionError, compile_playbook
    from tests.playbook_data import small_playbook

    data = small_playbook()
    question = next(q for s in data["sections"] for q in s["questions"] if q["kind"] == "integer")
    question.update(min=0, max=-1)
    with pytest.raises(DefinitionError) as info:
        compile_playbook({**data, "catalogue": {"models": {}, "regimes": {}, "locations": {}, "functions": {}}})
    assert f"question {question['code']}: the minimum is above the maximum" in info.value.problems


@pytest.mark.django_db
def test_the_cost_estimate_is_remembered_only_for_the_same_cost_answers(reference: Any) -> None:
    """A review, an autosave or a what-if that changes no cost answer re-uses the estimate; any cost answer
    changed, or another delivery location, is estimated afresh, and equals what a cold engine gives."""
    import json
    from pathlib import Path

    from apps.playbooks.engine.compiler import rule_index
    from apps.playbooks.runtime import compiled_playbook

    pb = compiled_playbook(reference)
    path = Path(__file__).resolve().parents[2] / "apps" / "playbooks" / "reference" / "playbook.json"
    answers = json.loads(path.read_text())["golden_cases"][0]["answers"]
    first = evaluate(pb, answers).cost
    assert first.available
    other = evaluate(pb, {**answers, "work_nature": "mixed"})  # a scoring answer, not a cost one
    assert other.fit_score != evaluate(pb, answers).fit_score
    assert [m.code for m in other.models[:3]] == [m.model for m in first.models]
    assert other.cost is first
    hours = pb.roles["annual_hours"]
    more = evaluate(pb, {**answers, hours: answers[hours] * 2}).cost
    assert more is not first and more.annual_hours == answers[hours] * 2
    rule_index(pb).memo.pop("cost")
    assert evaluate(pb, answers).cost == first


def test_a_location_needs_a_transfer_tool_under_the_transfer_law_triggered() -> None:
    brazil = {"gdpr_transfer": "adequate", "uk_transfer": "needs_idta"}
    poland = {"gdpr_transfer": "in_eea", "uk_transfer": "adequate"}
    india_unrecorded = {"gdpr_transfer": "needs_sccs"}  # a catalogue from before the UK status was recorded
    eu, uk = frozenset({"gdpr-transfer"}), frozenset({"uk-transfer"})
    assert not needs_transfer_tool(brazil, eu)
    assert needs_transfer_tool(brazil, uk)
    assert needs_transfer_tool(brazil, eu | uk)
    assert not needs_transfer_tool(poland, eu | uk)
    assert needs_transfer_tool(india_unrecorded, uk)
    assert not needs_transfer_tool(brazil, frozenset())
