"""A licensed sign-off or daily presence on site, asked as a yes/no, a choice or a multiple choice, is a hard
requirement: the models that break it rank after every model that meets it, in the evaluation and in every
fast way of scoring, whatever points the playbook's own rules give them."""

from __future__ import annotations

import copy
from typing import Any

from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine import requirements as req
from apps.playbooks.engine.batch import score_batch
from apps.playbooks.engine.evaluate import outcome
from tests.playbooks.test_engine import CATALOGUE, definition, rule

MODELS = copy.deepcopy(CATALOGUE["models"])
MODELS["managed-services"] = {
    "name": "Managed services",
    "is_kpo": True,
    "pricing_basis": "outcome",
    "rate": [30, 45, 60],
    "order": 5,
    "sources": CATALOGUE["models"]["project"]["sources"],
}
SIGNOFF = {
    "code": "signoff",
    "kind": "multi",
    "prompt": "Who must sign?",
    "role": "licensed_signoff",
    "required": False,
    "options": [
        {"code": "none", "label": "Nobody"},
        {"code": "attorney", "label": "A lawyer"},
        {"code": "cpa", "label": "A CPA"},
    ],
}
ONSITE = {
    "code": "onsite",
    "kind": "single",
    "prompt": "How often on site?",
    "role": "onsite",
    "required": False,
    "options": [
        {"code": "daily", "label": "Every day"},
        {"code": "occasional", "label": "Occasionally"},
        {"code": "never", "label": "Never"},
    ],
}
# The playbook's own rules want an outcome-priced service, then a project, a pool, a team.
WANTS = [
    rule("outcomes", [{"kind": "model", "target": "managed-services", "points": 40}]),
    rule("project", [{"kind": "model", "target": "project", "points": 30}]),
    rule("pool", [{"kind": "model", "target": "shared-pool", "points": 20}]),
]


def _playbook(*questions: dict[str, Any]) -> Any:
    data = definition(WANTS)
    data["sections"][0]["questions"] += list(questions)
    data["catalogue"] = {**CATALOGUE, "models": MODELS}
    return compile_playbook(data)


def test_a_requirement_role_holds_for_yes_daily_or_any_licence_but_none() -> None:
    assert req.holds(["attorney"]) and req.holds(["none", "cpa"]) and req.holds(("pe-seal",))
    assert not req.holds(["none"]) and not req.holds([])
    assert req.holds(True) and req.holds("yes") and req.holds("daily")
    assert not req.holds("occasional") and not req.holds("never") and not req.holds(False) and not req.holds(None)


def test_a_lawyers_sign_off_asked_as_a_multiple_choice_rules_out_the_outcome_priced_service() -> None:
    pb = _playbook(SIGNOFF)
    answers = {"x": 1, "signoff": ["attorney"]}
    ev = evaluate(pb, answers)
    assert [r.code for r in ev.requirements] == ["licensed_signoff"]
    assert ev.top_model == "project"
    last = ev.models[-1]
    assert last.code == "managed-services" and last.score == 40
    assert last.excluded_because == ("Managed services hands over outcomes, not work your licensed reviewer signs off",)
    assert all(not m.excluded_because for m in ev.models[:-1])
    # The requirement rule is the ranking's, not a reason of its own: no -10,000 in the why.
    assert all(not f.code.startswith("requirement:") for f in ev.fired)
    assert all(c.points > -1000 for m in ev.models for c in m.contributions)
    assert outcome(pb, answers).top_model == "project"
    assert score_batch(pb, [answers]).outcome(0).top_model == "project"


def test_no_licence_needed_leaves_the_outcome_priced_service_first() -> None:
    pb = _playbook(SIGNOFF)
    for answers in ({"x": 1, "signoff": ["none"]}, {"x": 1}):
        ev = evaluate(pb, answers)
        assert ev.top_model == "managed-services" and ev.requirements == ()
        assert not any(m.excluded_because for m in ev.models)
        assert outcome(pb, answers).top_model == "managed-services"


def test_a_yes_no_sign_off_question_still_makes_the_requirement() -> None:
    pb = _playbook({**SIGNOFF, "kind": "yes_no", "options": []})
    assert evaluate(pb, {"x": 1, "signoff": True}).top_model == "project"
    assert evaluate(pb, {"x": 1, "signoff": False}).top_model == "managed-services"
    assert outcome(pb, {"x": 1, "signoff": True}).top_model == "project"


def test_daily_presence_on_site_rules_out_every_model_that_stations_nobody_there() -> None:
    pb = _playbook(ONSITE)
    ev = evaluate(pb, {"x": 1, "onsite": "daily"})
    assert ev.top_model in ("captive-team", "bot")
    assert {m.code for m in ev.models if m.excluded_because} == {"managed-services", "project", "shared-pool"}
    assert [m.code for m in ev.models][-3:] == ["managed-services", "project", "shared-pool"]  # by their points
    assert ev.delivered_from == "" and [c.code for c in ev.conflicts] == ["onshore"]
    assert outcome(pb, {"x": 1, "onsite": "daily"}).top_model == ev.top_model
    for often in ("occasional", "never"):
        assert evaluate(pb, {"x": 1, "onsite": often}).top_model == "managed-services"


def test_a_ruled_out_model_is_not_costed() -> None:
    pb = _playbook(SIGNOFF)
    ev = evaluate(pb, {"x": 1, "signoff": ["cpa"], "function": "research", "hours": 4000, "team": 2})
    assert "managed-services" not in {m.model for m in ev.cost.models}


def test_a_playbook_without_the_roles_ranks_by_points_alone() -> None:
    pb = _playbook({**SIGNOFF, "role": ""})
    assert evaluate(pb, {"x": 1, "signoff": ["attorney"]}).top_model == "managed-services"
    assert not any(r.enforces for r, _ in pb.rules)


def test_weight_sensitivity_lists_the_playbooks_own_rules_only() -> None:
    from apps.playbooks.engine.weights import weight_sensitivity

    ranges = weight_sensitivity(_playbook(SIGNOFF), {"x": 1, "signoff": ["attorney"]})
    assert ranges and all(not r.rule.startswith("requirement:") for r in ranges)


START = {
    "code": "start",
    "kind": "single",
    "prompt": "How soon must it start?",
    "role": "start_within",
    "required": False,
    "options": [
        {"code": "within-month", "label": "Within a month"},
        {"code": "one-to-three", "label": "In 1 to 3 months"},
        {"code": "three-to-six", "label": "In 3 to 6 months"},
        {"code": "later", "label": "Later"},
    ],
}
LAUNCH = {"captive-team": 3, "project": 1, "shared-pool": 1, "bot": 6, "managed-services": 5}


def _timed_playbook() -> Any:
    data = definition(WANTS)
    data["sections"][0]["questions"].append(START)
    models = {code: {**m, "ramp_up_months": LAUNCH.get(code)} for code, m in MODELS.items()}
    data["catalogue"] = {**CATALOGUE, "models": models}
    return compile_playbook(data)


def test_a_start_date_rules_out_the_models_that_take_longer_to_launch() -> None:
    pb = _timed_playbook()
    ev = evaluate(pb, {"x": 1, "start": "within-month"})
    assert [r.text for r in ev.requirements] == ["The work starts within 1 month"]
    assert {m.code for m in ev.models if m.excluded_because} == {"managed-services", "captive-team", "bot"}
    assert ev.top_model == "project"
    managed = next(m for m in ev.models if m.code == "managed-services")
    assert managed.excluded_because[0].startswith("Managed services takes about 5 months to launch")
    assert managed.excluded_because[0].endswith("you need the work to start within 1 month")
    assert outcome(pb, {"x": 1, "start": "within-month"}).top_model == "project"
    assert score_batch(pb, [{"x": 1, "start": "within-month"}]).outcome(0).top_model == "project"
    # Three months leave the team; six, every model (build-operate-transfer's 6 included); later or no answer, all.
    three = evaluate(pb, {"x": 1, "start": "one-to-three"})
    assert {m.code for m in three.models if m.excluded_because} == {"managed-services", "bot"}
    assert not any(m.excluded_because for m in evaluate(pb, {"x": 1, "start": "three-to-six"}).models)
    for answers in ({"x": 1, "start": "later"}, {"x": 1}):
        ev = evaluate(pb, answers)
        assert ev.top_model == "managed-services" and not any(m.excluded_because for m in ev.models)
