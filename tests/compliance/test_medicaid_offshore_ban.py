"""State Medicaid rules that forbid offshore work on the data (Texas bans offshoring Medicaid work, remote access
included) rule out every offshore location, as data that may not leave the country does: the verdict's blocker
says so, and the rest of the page does not then rank offshore locations, read an offshore country's law as the
buyer's, or price an offshore saving."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine.evaluate import ONSHORE_ONLY_COST, Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers

pytestmark = pytest.mark.django_db

AGENCY: dict[str, Any] = {
    "function": "market-research-analytics",
    "work_nature": "judgement",
    "codifiability": "high",
    "quality_measurable": "objective",
    "process_documented": "documented",
    "buyer_sector": "public-body",
    "core_differentiator": "commodity",
    "ip_sensitivity": "low",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 10000,
    "team_size": 5,
    "horizon": 3,
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 3,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "client_jurisdictions": ["us"],
    "data_categories": ["phi"],
    "hipaa_role": "covered-entity",
    "medicaid_offshore": "banned",
    "phi_deidentify": True,
    "data_onshore_only": False,
    "buyer_location": "us",
    "overlap_hours": 2,
    "shifted_hours": True,
    "onsite_presence": "never",
    "home_market": "us",
    "preferred_region": "no-preference",
}


def evaluated(reference: Playbook, **changes: Any) -> Evaluation:
    return evaluated_answers(reference, AGENCY, **changes)


def test_a_medicaid_ban_rules_out_every_offshore_location_cost_and_law(reference: Playbook) -> None:
    ev = evaluated(reference)
    assert ev.verdict == "doesnt_win"
    assert [b.rule for b in ev.blockers] == ["medicaid-offshore-ban"]
    data = next(r for r in ev.requirements if r.code == "data_location")
    assert data.text == "Data processed only in your own country, with no access from abroad"
    assert data.because == ("your answer: rules forbid offshore work on this data",)  # not the data question's
    assert ev.locations and all(loc.excluded_because for loc in ev.locations)
    assert ev.delivered_from == ""
    assert "dpdp" not in ev.regime_codes and not any("DPDP" in r.name for r in ev.regimes)
    assert not ev.cost.available and ev.cost.reason == ONSHORE_ONLY_COST
    assert "hipaa" in " ".join(ev.regime_codes)  # the buyer's own law still applies


@pytest.mark.parametrize("answer", ["restricted", "none", "unsure"])
def test_rules_short_of_a_ban_leave_offshore_delivery_open(reference: Playbook, answer: str) -> None:
    ev = evaluated(reference, medicaid_offshore=answer)
    assert "medicaid-offshore-ban" not in [b.rule for b in ev.blockers]
    assert not any(r.code == "data_location" for r in ev.requirements)
    assert ev.delivered_from and ev.cost.available


def test_offshore_rules_not_yet_checked_are_a_condition_to_settle_before_shortlisting(reference: Playbook) -> None:
    """Not knowing whether a programme bans offshore work is something to settle before choosing a location abroad,
    as "not sure" is for the HIPAA role: a condition, not only a risk (review 64)."""
    ev = evaluated_answers(reference, {**AGENCY, "medicaid_offshore": "unsure"})

    said = [c.text for c in ev.conditions if "Medicaid" in c.text]
    assert said and said[0].startswith("Confirm that your state Medicaid and Medicare Advantage contracts allow")
    assert "42 CFR 422.504(i)" in said[0]
    assert not [
        c
        for c in evaluated_answers(reference, {**AGENCY, "medicaid_offshore": "none"}).conditions
        if "Medicaid" in c.text
    ]


def test_de_identified_data_earns_its_points_with_a_condition_to_de_identify_before_it_moves(
    reference: Playbook,
) -> None:
    """The points for work that can use de-identified data come with the commitment to de-identify it to the HIPAA
    standard (or to send a limited data set under a data use agreement) before it moves (review 64)."""
    ev = evaluated_answers(reference, {**AGENCY, "medicaid_offshore": "none"})

    (said,) = [c.text for c in ev.conditions if c.text.startswith("De-identify the data to the HIPAA standard")]
    assert "164.514(a)-(b)" in said and "164.514(e)(4)" in said
    without = evaluated_answers(reference, {**AGENCY, "medicaid_offshore": "none", "phi_deidentify": False})
    assert not [c for c in without.conditions if c.text.startswith("De-identify the data")]


def test_rules_not_yet_checked_weigh_no_lighter_than_a_known_restriction(reference: Playbook) -> None:
    """ "Not sure" may prove a ban: it had scored 5 points above "restricted" and read "KPO wins" with no "on
    conditions" (review 84). It now takes the restriction's points and waits on the answer in writing."""
    unsure = evaluated_answers(reference, {**AGENCY, "medicaid_offshore": "unsure"})
    restricted = evaluated_answers(reference, {**AGENCY, "medicaid_offshore": "restricted"})
    assert unsure.fit_score <= restricted.fit_score
    gates = [g.text for g in unsure.gates]
    assert any(
        g.startswith("your state Medicaid and Medicare Advantage contracts read for offshore limits") for g in gates
    )
    assert unsure.verdict == restricted.verdict
