"""A US bank outsourcing clerical, bookkeeping, accounting, statistical or similar functions tells its federal banking
agency of the service relationship within 30 days (Bank Service Company Act, 12 U.S.C. 1867(c), 1863): said in the
interagency third-party guidance's contract terms, which no longer call the Act a technology rule."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db


def test_a_us_bank_reads_the_30_day_notice_to_its_banking_agency(reference: Playbook) -> None:
    ev = evaluated_case(reference, "US regional bank")
    (tprm,) = [r for r in ev.regimes if r.code == "us-tprm"]
    listed = {o["code"]: o for _, _, items in tprm.obligations for o in items}
    terms = listed["contract-terms"]["action"]
    assert "technology services" not in terms
    assert "within 30 days of the contract or the first service" in terms and "(12 U.S.C. 1867(c))" in terms
    assert "statistical or similar functions (12 U.S.C. 1863)" in terms
