"""Pack the answers of recommendations stored before answers were packed at submit (``PackedAnswers``),
so the impact preview reads them as bytes instead of decoding each snapshot. Safe to run again: it packs
only recommendations without packed answers, a batch per transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.playbooks.engine.packed import Layout, layout
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.models import PackedAnswers, Recommendation

BATCH = 5_000


class Command(BaseCommand):
    help = "Pack the answers of stored recommendations that have none packed (for the impact preview)."

    def handle(self, *args: Any, **options: Any) -> None:
        layouts: dict[int, Layout] = {}
        packed = skipped = 0
        last = 0
        while True:
            rows = list(
                Recommendation.objects.filter(pk__gt=last, packed_answers__isnull=True)
                .order_by("pk")
                .values_list("pk", "organisation_id", "playbook_id", "snapshot__stored_answers")[:BATCH]
            )
            if not rows:
                break
            last = rows[-1][0]
            made = []
            for pk, organisation_id, playbook_id, stored in rows:
                if playbook_id not in layouts:
                    layouts[playbook_id] = layout(compiled_playbook(Playbook.objects.get(pk=playbook_id)))
                found = layouts[playbook_id]
                answers = json.loads(stored) if isinstance(stored, str) else stored
                data = found.pack(answers) if isinstance(answers, dict) else None
                if data is None:  # answers no record holds exactly: the preview reads them from the snapshot
                    skipped += 1
                    continue
                made.append(
                    PackedAnswers(recommendation_id=pk, organisation_id=organisation_id, layout=found.digest, data=data)
                )
            with transaction.atomic():
                PackedAnswers.objects.bulk_create(made, ignore_conflicts=True)
            packed += len(made)
        self.stdout.write(f"Packed the answers of {packed} recommendations; {skipped} read from their snapshot.")
