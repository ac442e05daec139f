"""A golden case of the reference playbook, with some answers changed, evaluated: what the advice tests read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook


def evaluated_case(reference: Playbook, case: str, **changes: Any) -> Evaluation:
    """The golden case whose name starts with ``case``, its answers updated by ``changes`` (None: unanswered)."""
    return evaluated_answers(reference, reference.golden_cases.get(name__startswith=case).answers, **changes)


def evaluated_answers(reference: Playbook, base: Mapping[str, Any], **changes: Any) -> Evaluation:
    """``base`` answers updated by ``changes`` (None: unanswered), cleaned without a problem and evaluated."""
    compiled = compiled_playbook(reference)
    given = {**base, **changes}
    answers, problems = clean_answers(compiled.questions, {k: v for k, v in given.items() if v is not None})
    assert not problems
    return evaluate(compiled, answers)


def fired_codes(ev: Evaluation) -> set[str]:
    """The codes of the rules that fired in ``ev``."""
    return {f.code for f in ev.fired}
