"""An APRA-regulated entity moving a critical operation to its own offshore centre is told of its notice to APRA, as a
material offshoring arrangement with a related party (CPS 230 para. 59(b)), not of "your regulator's view … any notice
its outsourcing rules require", as if its regulator were not known (review 164)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers
from tests.recommendations.test_elsewhere_cost_caveats import AU_CENTRE_OF_1000

pytestmark = pytest.mark.django_db


def test_the_own_centres_gate_names_apra_and_cps_230(reference: Playbook) -> None:
    ev = evaluated_answers(reference, AU_CENTRE_OF_1000, start_within="later")
    fired = {f.code for f in ev.fired}
    assert "critical-function-outsourcing-own-centre-au" in fired
    own = [g.text for g in ev.gates if "own offshore entity" in g.text]
    assert own == [
        "the notice to APRA before entering a material offshoring arrangement with your own offshore entity "
        "(CPS 230 para. 59(b), which counts a company of your own group as a service provider), and any concern "
        "APRA raises on it"
    ], own
    assert not any("your regulator's view" in g.text for g in ev.gates)
