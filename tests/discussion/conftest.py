from __future__ import annotations

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.security.conftest import world  # noqa: F401 (the security tests' two organisations, for hostile input)

COMPLETE = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}


@pytest.fixture
def assessment(organisation: Organisation, buyer: User, playbook: Playbook) -> Assessment:
    return AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        title="Legal review 2027",
        playbook=playbook,
        answers={"function": "legal"},
    )


@pytest.fixture
def recommendation(organisation: Organisation, buyer: User, playbook: Playbook) -> Recommendation:
    done = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Scored 2027", playbook=playbook, answers=COMPLETE
    )
    return submit_and_recommend(assessment=done, user=buyer)
