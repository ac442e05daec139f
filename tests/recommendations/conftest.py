"""Recommendations on the reference playbook (the ``reference`` fixture, tests/conftest.py), from its golden
cases (complete, valid answer sets)."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory


def recommend(
    reference: Playbook, organisation: Organisation, user: User, case: str, title: str | None = None, **changes: Any
) -> Recommendation:
    """Submit the answers of the golden case whose name starts with ``case``, with ``changes`` to them, and return the
    recommendation."""
    answers = {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    a = AssessmentFactory(
        organisation=organisation, created_by=user, title=title or case, playbook=reference, answers=answers
    )
    return submit_and_recommend(assessment=a, user=user)
