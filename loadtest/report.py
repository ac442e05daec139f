"""After a load run: what the buyers were told was saved, against what the database holds.

``analyse(journal)`` runs inside Django against the load test's database. The journal has one line
per confirmed event: a started assessment (its knowledge function is its first answer), an
autosaved answer (200), a submit (302). Every confirmed answer must be stored with exactly the
value sent (the last one, per question), nothing else may be stored, and every submitted
assessment must have exactly one recommendation. An autosave answered 4xx (refused) must not have
been stored with the value the buyer was told was refused, unless a later request confirmed it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def analyse(journal: Path) -> dict[str, Any]:
    from apps.playbooks.engine import clean_answer
    from apps.playbooks.runtime import compiled_playbook
    from apps.questionnaire.models import Answer, Assessment
    from apps.recommendations.models import Recommendation

    events = [json.loads(line) for line in journal.read_text().splitlines() if line.strip()]
    counts = Counter(e["event"] for e in events)
    assessments = {a.pk: a for a in Assessment.objects.select_related("playbook")}
    expected: dict[tuple[int, str], Any] = {}
    for e in events:
        compiled = compiled_playbook(assessments[e["assessment"]].playbook)
        if e["event"] == "start":
            code = compiled.roles["function"]
            expected[(e["assessment"], code)] = clean_answer(compiled.questions[code], e["function"])
        elif e["event"] == "answer":
            expected[(e["assessment"], e["question"])] = clean_answer(compiled.questions[e["question"]], e["value"])
    stored = {(a.assessment_id, a.question_code): a.value for a in Answer.objects.all()}
    # Told "refused" while the value is stored (and no later confirmation of that value): a wrong answer.
    confirmed = {(e["assessment"], e["question"], json.dumps(e["value"])) for e in events if e["event"] == "answer"}
    refused = [e for e in events if e["event"] == "refused"]
    refused_but_stored = [
        [e["assessment"], e["question"], e["value"]]
        for e in refused
        if (e["assessment"], e["question"], json.dumps(e["value"])) not in confirmed
        and stored_value(e, stored, compiled_playbook(assessments[e["assessment"]].playbook)) is True
    ]
    submitted = {e["assessment"] for e in events if e["event"] == "submit"}
    recommendations = Counter(Recommendation.objects.values_list("assessment_id", flat=True))
    submitted_in_db = set(Assessment.objects.submitted().values_list("pk", flat=True))
    return {
        "assessments_started": counts["start"],
        "answers_sent": counts["start"] + counts["answer"],
        "answers_expected": len(expected),
        "answers_stored": len(stored),
        "answers_missing": sorted(map(list, set(expected) - set(stored)))[:20],
        "answers_unexpected": sorted(map(list, set(stored) - set(expected)))[:20],
        "answers_different": [
            [*k, expected[k], stored[k]] for k in expected if k in stored and expected[k] != stored[k]
        ][:20],
        "answers_refused": counts["refused"],
        "answers_refused_but_stored": refused_but_stored[:20],
        "submits_sent": counts["submit"],
        "assessments_submitted": len(submitted),
        "assessments_submitted_in_db": len(submitted_in_db),
        "recommendations": sum(recommendations.values()),
        "assessments_with_not_exactly_one_recommendation": sorted(
            pk for pk in submitted_in_db | set(recommendations) if recommendations[pk] != 1
        )[:20],
    }


def stored_value(event: dict[str, Any], stored: dict[tuple[int, str], Any], compiled: Any) -> bool:
    """Whether the refused autosave's value is what the database holds for that question."""
    from apps.playbooks.engine.answers import AnswerError, clean_answer

    key = (event["assessment"], event["question"])
    try:
        return key in stored and stored[key] == clean_answer(compiled.questions[event["question"]], event["value"])
    except AnswerError:  # a value the engine itself refuses cannot have been stored
        return False


def main() -> None:
    print(json.dumps(analyse(Path(sys.argv[1]))))


if __name__ == "__main__":  # pragma: no cover - run through AppServer.python
    main()
