"""The answers a stored result names for checking, in one list: the ones its cost's own figures disagree on
(``Cost.checks``) and a budget exchange rate far from the rate the result's playbook froze
(``engine.checks.budget_rate_check``), as the review page named it before submitting. The result page and the memo
read it from here, so a rate saved the wrong way round is questioned beside the figures it moved, not only before
the submit."""

from __future__ import annotations

from apps.playbooks.engine.checks import AnswerCheck, budget_rate_check, once_longer_check
from apps.playbooks.engine.tco.types import FTE_HOURS
from apps.playbooks.runtime import compiled_playbook, frozen_exchange_rates
from apps.recommendations.models import Recommendation


def result_checks(rec: Recommendation) -> tuple[AnswerCheck, ...]:
    ev = rec.record.evaluation
    cost = ev.cost
    found = cost.checks
    # Only hours its people could not work in a year can be such work (and read its playbook's roles).
    if (
        not cost.duration_weeks
        and cost.annual_hours
        and cost.team_size
        and cost.annual_hours > cost.team_size * FTE_HOURS
    ):
        # Work done once too long to cost as one piece, costed as work that goes on (review 169: said only before
        # submitting and in what-if): read from the answers by their roles, as the review page reads them.
        roles = compiled_playbook(rec.playbook).roles
        demand = ev.answers.get(roles.get("demand_pattern", ""))
        if longer := once_longer_check(demand, cost.annual_hours, cost.team_size):
            found = (*found, longer)
    if not cost.available or not cost.budget_rate:
        return found
    rates = frozen_exchange_rates(rec.playbook_id)
    rate = budget_rate_check({"exchange_rates": rates}, cost.usd_rate * 100, cost.home_market) if rates else None
    return (*found, rate) if rate else found
