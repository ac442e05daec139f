"""Golden cases are checked without the cost (``evaluate(..., priced=False)``): everything they check is the same, but
for the cost and the condition a cost that does not pay asks for (``dearer_condition``), which only a priced evaluation
can know."""

from __future__ import annotations

import dataclasses

from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.engine.evaluate import NOT_PRICED, likely_dearer
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
            dearer = [c for c in priced.conditions if c.name == "in-house is likely cheaper"]
            top = next((m for m in priced.cost.models if priced.models and m.model == priced.models[0].code), None)
            assert bool(dearer) == (priced.verdict != "doesnt_win" and top is not None and likely_dearer(top)), (
                case.name
            )
            kept = tuple(c for c in priced.conditions if c not in dearer)
            assert dataclasses.replace(priced, cost=NOT_PRICED, conditions=kept) == unpriced, case.name
        else:  # delivered from nowhere: the cost says why there is none, priced or not (priced, data kept at home
            # also gives the in-house cost to set onshore quotes against)
            assert priced.cost.reason == unpriced.cost.reason and not priced.cost.available, case.name
            assert dataclasses.replace(priced, cost=unpriced.cost) == unpriced, case.name
        assert check_case(compiled, case).passed, case.name
    assert priced_somewhere > 40  # the comparison covers cases whose cost is worked out
