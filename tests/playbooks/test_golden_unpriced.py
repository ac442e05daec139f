"""Golden cases are checked without the cost (``evaluate(..., priced=False)``): everything they check is the same."""

from __future__ import annotations

import dataclasses

from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.engine.evaluate import NOT_PRICED
from apps.playbooks.golden import check_case
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook


def test_an_unpriced_evaluation_differs_from_the_priced_one_in_its_cost_alone(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    priced_somewhere = 0
    for case in reference.golden_cases.all():
        answers, problems = clean_answers(compiled.questions, case.answers)
        assert not problems, case.name
        priced = evaluate(compiled, answers)
        unpriced = evaluate(compiled, answers, priced=False)
        priced_somewhere += priced.cost.available
        if unpriced.cost is NOT_PRICED:
            assert dataclasses.replace(priced, cost=NOT_PRICED) == unpriced, case.name
        else:  # delivered from nowhere: the cost says why there is none, priced or not
            assert priced == unpriced, case.name
        assert check_case(compiled, case).passed, case.name
    assert priced_somewhere > 40  # the comparison covers cases whose cost is worked out
