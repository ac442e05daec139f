"""A US buyer is not told its country's transfer rule is not covered (review 111): no US federal law bars a provider
abroad in general, and the one that limits where sensitive data may go, the Justice Department's Data Security
Program (28 CFR Part 202), is named as a risk to check the provider against. Buyers elsewhere keep the sentence."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
OHIO = "Ohio health system"
NOT_COVERED = "not covered here"


def words(ev: Evaluation) -> str:
    return " ".join([c.text for c in ev.conditions] + [f"{r.title} {r.mitigation}" for r in ev.risks])


def test_a_us_buyer_with_other_personal_data_reads_the_data_security_program_not_a_gap(reference: Playbook) -> None:
    ev = evaluated_case(reference, OHIO, data_categories=["phi", "other-personal"])
    assert "other-personal-data" not in fired_codes(ev)
    assert "us-sensitive-data-countries-of-concern" in fired_codes(ev)
    text = words(ev)
    assert "Your country's rules on handing personal data to a provider" not in text
    assert "cross-border transfer rule" not in text
    assert "28 CFR 202.211" in text and "China, Cuba, Iran, North Korea, Russia or Venezuela (202.601)" in text
    # The processor terms come from the US state laws' regime.
    assert "us-state-privacy-processor" in {r.code for r in ev.regimes}


def test_a_us_buyer_with_no_personal_data_reads_nothing_of_it(reference: Playbook) -> None:
    ev = evaluated_case(reference, OHIO, data_categories=["none"])
    assert "us-sensitive-data-countries-of-concern" not in fired_codes(ev)


def test_a_buyer_elsewhere_keeps_the_sentence_on_its_own_law(reference: Playbook) -> None:
    ev = evaluated_case(
        reference, OHIO, data_categories=["other-personal"], buyer_location="other", client_jurisdictions=["other"]
    )
    assert "other-personal-data" in fired_codes(ev)
    assert "us-sensitive-data-countries-of-concern" not in fired_codes(ev)
    assert NOT_COVERED in words(ev)
