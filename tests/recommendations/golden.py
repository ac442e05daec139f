"""A golden case of the reference playbook, with some answers changed, evaluated: what the advice tests read."""

from __future__ import annotations

from typing import Any

from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook


def evaluated_case(reference: Playbook, case: str, **changes: Any) -> Evaluation:
    """The golden case whose name starts with ``case``, its answers updated by ``changes`` (None: unanswered)."""
    compiled = compiled_playbook(reference)
    given = {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    answers, problems = clean_answers(compiled.questions, {k: v for k, v in given.items() if v is not None})
    assert not problems
    return evaluate(compiled, answers)
