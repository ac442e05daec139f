"""What a centre the buyer owns changes, and what too small a team rules out: an own centre's financial close is
the company's own control under SOX 404, with no provider's SOC 1 report; rules-based work in an own centre buys no
provider's knowledge-work rates, so the BPO blocker does not apply; and one to four people are too few for
build-operate-transfer or a centre of one's own."""

from __future__ import annotations

import json

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CLOSE = "US listed company: month-end close"
OWN_CENTRE = "US company with an entity in India: its own FP&A centre of 60"
FIRST_TIMER = "First-time outsourcer: undocumented FP&A"


def _everything(ev: object) -> str:
    return json.dumps(
        {
            "conditions": [c.text for c in ev.conditions],  # type: ignore[attr-defined]
            "risks": [(r.title, r.mitigation) for r in ev.risks],  # type: ignore[attr-defined]
            "obligations": [
                (o["title"], o["action"])
                for r in ev.regimes  # type: ignore[attr-defined]
                for _phase, _label, items in r.obligations
                for o in items
            ],
        }
    )


def test_a_listed_companys_own_centre_runs_its_close_under_its_own_controls_with_no_soc_1(
    reference: Playbook,
) -> None:
    provider = evaluated_case(reference, CLOSE)
    assert "sox-404" in provider.regime_codes and "SOC 1 Type 2" in _everything(provider)

    own = evaluated_case(reference, CLOSE, own_team_plan=True, centre_setup="ourselves")
    assert "sox-404-own-centre" in own.regime_codes and "sox-404" not in own.regime_codes
    said = _everything(own)
    assert "SOC 1 Type" not in said and "the provider" not in said.replace("the provider's", "")
    (condition,) = [c.text for c in own.conditions if c.rule == "sox-404-financial-close-own-centre"]
    assert condition.startswith("Before your centre runs its first close: its close, reconciliation and journal")
    regime = next(r for r in own.regimes if r.code == "sox-404-own-centre")
    assert [o["code"] for _phase, _label, items in regime.obligations for o in items] == [
        "scope-in-icfr",
        "access-and-segregation",
        "tell-your-auditors",
        "quarterly-change",
    ]
    assert "not a service organisation" in regime.summary


def test_rules_based_work_in_a_centre_of_ones_own_is_not_sent_to_bpo(reference: Playbook) -> None:
    own = evaluated_case(reference, OWN_CENTRE, work_nature="rules-based")
    assert not [b for b in own.blockers if b.rule == "rules-based-work-is-bpo"]
    bought = evaluated_case(reference, OWN_CENTRE, work_nature="rules-based", centre_setup="provider-builds")
    assert [b.rule for b in bought.blockers if b.rule == "rules-based-work-is-bpo"] == ["rules-based-work-is-bpo"]


@pytest.mark.parametrize("team_size", [1, 4])
def test_one_to_four_people_are_too_few_for_a_centre_of_their_own(reference: Playbook, team_size: int) -> None:
    ev = evaluated_case(reference, FIRST_TIMER, team_size=team_size, annual_hours=300 * team_size)
    points = {
        m.code: [c.points for c in m.contributions if c.rule == "too-few-people-for-a-centre"]
        for m in ev.models  # type: ignore[attr-defined]
    }
    assert points["bot"] == [-40] and points["own-centre"] == [-40]  # advised against: 40 or more
    assert ev.models[0].code not in ("bot", "own-centre")


def test_five_people_are_not_ruled_too_few(reference: Playbook) -> None:
    ev = evaluated_case(reference, FIRST_TIMER, team_size=5)
    assert "too-few-people-for-a-centre" not in {f.code for f in ev.fired}
