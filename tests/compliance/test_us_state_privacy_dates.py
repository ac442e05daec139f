"""The US state consumer privacy regime carries one in-force date, the earliest; its summary gives each law's own
(review 162: Virginia's 1 January 2023 read as every state's)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


def test_the_state_privacy_regime_gives_each_laws_start(reference: Playbook) -> None:
    # Review 162: one in-force date, Virginia's, read as every state's.
    from apps.compliance.models import Regime

    summary = Regime.objects.get(code="us-state-privacy-processor").summary
    for said in (
        "Virginia's on 1 January 2023",
        "Colorado's and Connecticut's on 1 July 2023",
        "Texas's on 1 July 2024",
    ):
        assert said in summary
