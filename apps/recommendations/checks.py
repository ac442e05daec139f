"""The answers a stored result names for checking, in one list: the ones its cost's own figures disagree on
(``Cost.checks``) and a budget exchange rate far from the rate the result's playbook froze
(``engine.checks.budget_rate_check``), as the review page named it before submitting. The result page and the memo
read it from here, so a rate saved the wrong way round is questioned beside the figures it moved, not only before
the submit."""

from __future__ import annotations

from apps.playbooks.engine.checks import AnswerCheck, budget_rate_check
from apps.playbooks.runtime import frozen_exchange_rates
from apps.recommendations.models import Recommendation


def result_checks(rec: Recommendation) -> tuple[AnswerCheck, ...]:
    cost = rec.record.evaluation.cost
    found = cost.checks
    if not cost.available or not cost.budget_rate:
        return found
    rates = frozen_exchange_rates(rec.playbook_id)
    rate = budget_rate_check({"exchange_rates": rates}, cost.usd_rate * 100, cost.home_market) if rates else None
    return (*found, rate) if rate else found
