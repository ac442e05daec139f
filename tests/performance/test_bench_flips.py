"""The bench's what-would-flip step checks itself (every single change against brute force, every pair against
``outcome()`` one by one) on the reference playbook: run here on a few answer sets, so a change to the search that
the bench's check would refuse is caught by the suite, not first by ``make bench``. Its times are not asserted."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from bench.flips import run

pytestmark = pytest.mark.django_db


def test_the_flip_search_passes_the_benchs_own_completeness_checks(reference: Playbook) -> None:
    result = run(compiled_playbook(reference), n=3)
    assert result["answer_sets"] == 3
    assert result["single_outcomes_checked_by_brute_force"] > 0
    assert result["pairs_checked_one_by_one"] > 0
