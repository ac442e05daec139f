"""Whole assessments a simulated buyer can give: the current playbook's golden cases, in posting order.

``plans()`` runs inside Django (against the load test's own database) and returns, for each golden
case, the knowledge function (answered on the start form) and every other visible answer in the
order the questionnaire asks them, encoded as a browser would post them. Answering in that order
means each question is visible when it is answered, so autosave accepts every one of them.
"""

from __future__ import annotations

import json
from typing import Any


def _posted(value: Any) -> str | list[str]:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def plans() -> list[dict[str, Any]]:
    from apps.playbooks.engine.evaluate import visible_answers
    from apps.playbooks.models import Playbook
    from apps.playbooks.runtime import compiled_playbook

    playbook = Playbook.objects.current()
    if playbook is None:
        raise SystemExit("No published playbook: run `manage.py bootstrap` first.")
    compiled = compiled_playbook(playbook)
    function_code = compiled.roles["function"]
    result = []
    for case in playbook.golden_cases.order_by("name"):
        visible, _, effective = visible_answers(compiled, case.answers)
        answers = [[code, _posted(effective[code])] for code in visible if code in effective and code != function_code]
        result.append({"name": case.name, "function": case.answers[function_code], "answers": answers})
    return result


def dump() -> None:
    print(json.dumps(plans()))
