"""A risk's mitigation never advises buying the model the result already recommends: a risk effect may name the
model it is worded for, and then holds only when that model is recommended, standing in for the same rule's risk
of the same title (``engine.types.Effect.model``)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine import DefinitionError, compile_playbook, evaluate
from apps.playbooks.models import Playbook
from apps.playbooks.services import export_playbook_data, import_playbook
from tests.playbooks.test_engine import definition, rule
from tests.recommendations.golden import evaluated_case

TITLE = "Too little management time for a new team"
GENERAL = {"kind": "risk", "text": TITLE, "severity": "high", "mitigation": "Or buy a project."}
FOR_PROJECT = {**GENERAL, "model": "project", "mitigation": "Name one owner for the project recommended."}


def points(model: str, n: int) -> dict[str, Any]:
    return {"kind": "model", "target": model, "points": n}


@pytest.mark.parametrize(
    ("favoured", "mitigation"),
    [("project", "Name one owner for the project recommended."), ("captive-team", "Or buy a project.")],
)
def test_the_risk_is_worded_for_the_recommended_model(favoured: str, mitigation: str) -> None:
    pb = compile_playbook(definition([rule("r", [GENERAL, FOR_PROJECT, points(favoured, 20)])]))
    result = evaluate(pb, {"x": 1})
    assert result.top_model == favoured
    assert [(r.title, r.mitigation) for r in result.risks] == [(TITLE, mitigation)]
    assert f"risk if Project is recommended: {TITLE}" in result.fired[0].effects


def test_a_model_named_by_anything_but_a_risk_or_a_condition_or_unknown_is_refused() -> None:
    for bad in ({"kind": "gate", "text": "Check", "model": "project"}, {**FOR_PROJECT, "model": "atlantis"}):
        with pytest.raises(DefinitionError):
            compile_playbook(definition([rule("r", [bad])]))


@pytest.mark.parametrize(("favoured", "asked"), [("project", ["Pilot the project."]), ("captive-team", ["Pilot it."])])
def test_a_condition_is_asked_of_the_recommended_model(favoured: str, asked: list[str]) -> None:
    """A condition naming a model holds only when that model is recommended, and then stands in for the same
    rule's conditions naming none (a centre's first cohort of own hires, not a provider's pilot)."""
    general = {"kind": "condition", "text": "Pilot it."}
    for_project = {"kind": "condition", "text": "Pilot the project.", "model": "project"}
    pb = compile_playbook(definition([rule("r", [general, for_project, points(favoured, 20)])]))
    result = evaluate(pb, {"x": 1})
    assert result.top_model == favoured
    assert [c.text for c in result.conditions] == asked


HOSPITAL = "US hospital group: steady medical coding bought as a managed service"
OUTCOME_SERVICE = "buy an outcome-based service"


@pytest.mark.django_db
def test_a_buyer_recommended_a_managed_service_is_not_told_to_buy_one(reference: Playbook) -> None:
    ev = evaluated_case(reference, HOSPITAL)
    assert ev.top_model == "managed-services"
    (thin,) = [r for r in ev.risks if r.title == TITLE]
    assert OUTCOME_SERVICE not in thin.mitigation and "outcome-based service recommended" in thin.mitigation


@pytest.mark.django_db
def test_a_buyer_recommended_another_model_still_reads_the_managed_service_way_out(reference: Playbook) -> None:
    ev = evaluated_case(reference, "First-time outsourcer: undocumented FP&A with no management time to spare")
    assert ev.top_model != "managed-services"
    (thin,) = [r for r in ev.risks if r.title == TITLE]
    assert OUTCOME_SERVICE in thin.mitigation


@pytest.mark.django_db
def test_a_buyer_recommended_bot_is_not_told_to_consider_bot(reference: Playbook) -> None:
    lock_in = "Lock-in: switching providers would mean months of re-learning"
    ev = evaluated_case(reference, "Insurtech: the same core pricing work, with a 20-person team to own")
    assert ev.top_model == "bot"
    (risk,) = [r for r in ev.risks if r.title == lock_in]
    assert "consider BOT" not in risk.mitigation and "build-operate-transfer recommended" in risk.mitigation
    # The same work, less sensitive, at a provider's dedicated team: told to consider BOT.
    other = evaluated_case(
        reference, "Insurtech: core pricing models, highly sensitive, no plan to own the team", ip_sensitivity="medium"
    )
    assert other.top_model == "captive-team"
    assert "consider BOT" in next(r for r in other.risks if r.title == lock_in).mitigation


@pytest.mark.django_db
def test_core_secret_work_blocked_for_want_of_ownership_never_ranks_first_a_model_the_blocker_warns_off(
    reference: Playbook,
) -> None:
    # Review 144: the blocker said a provider's dedicated team does not protect the IP, and the ranking beside it put
    # that team first at +55 and priced its saving.
    for case in (
        "Insurtech: core pricing models, highly sensitive, no plan to own the team",
        "Quant fund: core signal research resting on a few PMs' tacit judgement",
    ):
        ev = evaluated_case(reference, case)
        assert "core-high-ip-no-ownership" in {b.rule for b in ev.blockers}
        assert ev.models[0].code == "bot", case  # the team it would own, as the blocker advises
        providers = {"captive-team", "staff-augmentation", "project", "managed-services", "shared-pool"}
        bot = ev.models[0].score
        assert all(m.score < bot for m in ev.models if m.code in providers)


def thin_risks(data: dict[str, Any]) -> list[str]:
    thin = next(r for r in data["rules"] if r["code"] == "thin-management-bandwidth")
    return [e.get("model", "") for e in thin["effects"] if e["kind"] == "risk"]


@pytest.mark.django_db
def test_the_model_a_risk_is_worded_for_survives_export_and_import(reference: Playbook) -> None:
    data = export_playbook_data(reference)
    assert thin_risks(data) == ["", "managed-services"]
    assert thin_risks(export_playbook_data(import_playbook(data=data))) == ["", "managed-services"]


@pytest.mark.django_db
def test_core_secret_work_for_a_small_team_to_own_ranks_a_team_of_its_own_first(reference: Playbook) -> None:
    # Review 147: the blocker said to hire this team directly, and a provider's dedicated team ranked first at +60.
    ev = evaluated_case(
        reference, "Insurtech: the same core pricing work, with a 20-person team to own", team_size=5, annual_hours=9000
    )
    assert "core-high-ip-small-team-to-own" in {b.rule for b in ev.blockers}
    assert ev.models[0].code == "own-centre"
    assert all(m.score < ev.models[0].score for m in ev.models[1:])


@pytest.mark.django_db
def test_core_secret_work_started_with_a_provider_before_its_own_team_carries_the_secrets_condition(
    reference: Playbook,
) -> None:
    # Review 147: core trade-secret work on a stop-gap provider read an unconditional "KPO wins", its only conditions
    # quality measures and a pilot.
    case = "Insurtech: the same core pricing work, with a 20-person team to own"
    urgent = evaluated_case(reference, case, start_within="within-month")
    said = [
        c.text for c in urgent.conditions if c.text.startswith("Before the provider you start with sees your methods")
    ]
    assert said and "18 U.S.C. 1839(3)(A)" in said[0] and "Directive (EU) 2016/943 Art. 2(1)(c)" in said[0]
    # A UK or German buyer reads its own law too (review 151).
    assert (
        "Trade Secrets (Enforcement, etc.) Regulations 2018 reg. 2" in said[0]
        and "§ 2 Nr. 1 lit. b GeschGehG" in said[0]
    )
    later = evaluated_case(reference, case, start_within="later")
    assert not [
        c for c in later.conditions if c.text.startswith("Before the provider you start with sees your methods")
    ]
