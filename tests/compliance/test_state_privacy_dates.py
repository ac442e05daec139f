"""A US state privacy duty citing several states' laws gives the date each applies from, and its "in force since" date
is that of the earliest law it cites (review 170: a duty citing only Texas and Connecticut read "In force since
1 Jan 2023", Virginia's date)."""

from __future__ import annotations

import datetime

import pytest

from apps.compliance.models import Obligation
from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db
APPLIES_FROM = {  # the state, how its law is cited, and the date it took effect
    "Virginia": ("Va. Code", datetime.date(2023, 1, 1)),
    "Colorado": ("C.R.S.", datetime.date(2023, 7, 1)),
    "Connecticut": ("Conn. Gen. Stat.", datetime.date(2023, 7, 1)),
    "Texas": ("Tex. Bus. & Com. Code", datetime.date(2024, 7, 1)),
}


def test_each_duty_dates_the_laws_it_cites(reference: Playbook) -> None:
    duties = Obligation.objects.filter(regime__code="us-state-privacy-processor")
    assert duties.count() == 3
    for duty in duties:
        cited = {state: when for state, (cite, when) in APPLIES_FROM.items() if cite in duty.citation}
        assert len(cited) >= 2, duty.code
        assert duty.effective_date == min(cited.values()), duty.code
        for state, when in cited.items():
            assert f"{state}'s" in duty.action and f"{when.day} {when:%B %Y}" in duty.action, (duty.code, state)
