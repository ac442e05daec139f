"""Measures the impact preview: N stored recommendations (default 20,000) re-scored against a draft.

Run: N=20000 .venv/bin/python scripts/bench_impact_preview.py
It uses the development database, creates its rows in an organisation of its own, and deletes them
(and the draft it makes) afterwards.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpo_advisor.settings")
REPS = 2000


def main() -> None:
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from apps.accounts.models import Organisation, User
    from apps.playbooks.engine import clean_answers, evaluate
    from apps.playbooks.engine.evaluate import outcome
    from apps.playbooks.models import Playbook
    from apps.playbooks.runtime import compiled_playbook
    from apps.playbooks.services import start_draft
    from apps.questionnaire.models import Assessment
    from apps.recommendations.impact import preview_impact
    from apps.recommendations.models import Recommendation

    n = int(os.environ.get("N", "20000"))
    playbook = Playbook.objects.current()
    assert playbook is not None, "run `manage.py bootstrap` first"
    cases = list(playbook.golden_cases.values_list("answers", flat=True))
    user = User.objects.order_by("pk").first()
    org, _ = Organisation.objects.get_or_create(slug="impact-bench", defaults={"name": "Impact bench"})
    started = time.perf_counter()
    with transaction.atomic():
        now = timezone.now()
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    organisation=org,
                    created_by=user,
                    title=f"bench {i}",
                    playbook=playbook,
                    status="submitted",
                    submitted_at=now,
                )
                for i in range(n)
            ],
            batch_size=5000,
        )
        Recommendation.objects.bulk_create(
            [
                Recommendation(
                    organisation=org,
                    assessment=a,
                    playbook=playbook,
                    engine_version="1.0",
                    created_by=user,
                    title=a.title,
                    verdict="wins",
                    fit_score=70,
                    top_model="captive-team",
                    snapshot={"stored_answers": cases[i % len(cases)]},
                )  # fmt: skip
                for i, a in enumerate(assessments)
            ],
            batch_size=5000,
        )
    print(f"created {n} recommendations in {time.perf_counter() - started:.1f}s")
    draft = start_draft(playbook=playbook)
    try:
        compiled = compiled_playbook(draft)
        answers = [clean_answers(compiled.questions, c, ignore_unknown=True)[0] for c in cases]
        for label, func in (("full evaluation", evaluate), ("outcome only", outcome)):
            started = time.perf_counter()
            for i in range(REPS):
                func(compiled, answers[i % len(answers)])
            print(f"{label}: {(time.perf_counter() - started) / REPS * 1e6:.0f} µs per answer set")
        for _ in range(3):
            impact = preview_impact(compiled)
            print(
                f"impact preview over {impact.scored} recommendations: {impact.seconds:.2f}s "
                f"(verdict changes {impact.verdict_changes}, model changes {impact.model_changes})"
            )
    finally:
        Recommendation.objects.filter(organisation=org).delete()
        Assessment.objects.filter(organisation=org).delete()
        org.delete()
        draft.delete()


if __name__ == "__main__":
    main()
