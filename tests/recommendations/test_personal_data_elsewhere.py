"""Personal data of people outside the jurisdictions the reference playbook covers can be declared: it asks for
processor terms and says plainly that the country's own transfer rules are not covered."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CANADIAN = "Policyholder data from elsewhere: a Canadian life insurer"
NOT_COVERED = "Your country's rules on sending personal data to a provider abroad are not covered here"
PROCESSOR = "Personal data moves before processor terms or a transfer mechanism are in place"


def evaluated(reference: Playbook, **changes: Any) -> Any:
    return evaluated_case(reference, CANADIAN, **changes)


def test_personal_data_of_people_elsewhere_asks_for_processor_terms_and_names_what_is_not_covered(
    reference: Playbook,
) -> None:
    ev = evaluated(reference)

    titles = {r.title for r in ev.risks}
    assert {NOT_COVERED, PROCESSOR} <= titles
    assert any(c.text.startswith("Check your country's cross-border transfer rule") for c in ev.conditions)
    assert any(c.rule == "personal-data-processor-terms" and c.points == -5 for c in ev.fit_contributions)


def test_without_personal_data_nothing_is_said_about_it(reference: Playbook) -> None:
    ev = evaluated(reference, data_categories=["none"])

    assert not {NOT_COVERED, PROCESSOR} & {r.title for r in ev.risks}
