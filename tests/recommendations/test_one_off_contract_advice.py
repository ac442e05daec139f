"""Work done once is not protected as a service that runs for years: critical one-off work reads milestones with
acceptance, a backup team and the right to take back what is done (not service levels, step-in rights and an exit
plan), and one-off work bought without a pilot reads stages with an acceptance gate on the first deliverable (not a
90-day window to walk away, which may outlast the work). Steady and seasonal work read as before."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
UK_FIRM = "UK law firm: one-off contract review for an acquisition"
BIOTECH = "Biotech: one-off patent landscape before a licensing deal"
HEDGE_FUND = "US hedge fund: steady equity research support"


def said(ev: Evaluation) -> str:
    return "\n".join([c.text for c in ev.conditions] + [f"{r.title}: {r.mitigation}" for r in ev.risks])


def test_critical_one_off_work_reads_milestones_not_a_service_contract(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_FIRM)
    fired = {f.code for f in ev.fired}
    assert "critical-work-one-off" in fired and "critical-work" not in fired
    text = said(ev)
    assert "Agree milestones with acceptance criteria, a named backup team and the right to take the work back" in text
    assert "step-in rights" not in text and "service levels" not in text.lower()


def test_one_off_work_without_a_pilot_is_bought_in_stages_not_with_a_90_day_window(reference: Playbook) -> None:
    ev = evaluated_case(reference, BIOTECH)
    (risk,) = [r for r in ev.risks if r.title == "Committing before quality has been tested"]
    assert risk.rule == "no-pilot-one-off" and "acceptance gate on the first deliverable" in risk.mitigation
    assert "90 days" not in said(ev)


@pytest.mark.parametrize("pattern", ["steady", "seasonal"])
def test_work_that_goes_on_reads_the_service_contract_as_before(reference: Playbook, pattern: str) -> None:
    ev = evaluated_case(
        reference, HEDGE_FUND, volume_pattern=pattern, core_differentiator="critical", pilot_possible=False
    )
    fired = {f.code for f in ev.fired}
    assert {"critical-work", "no-pilot"} <= fired and not {"critical-work-one-off", "no-pilot-one-off"} & fired
    assert "step-in rights" in said(ev) and "90 days" in said(ev)
