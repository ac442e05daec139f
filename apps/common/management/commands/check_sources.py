from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.common.source_audit import audit_sources


class Command(BaseCommand):
    help = (
        "Check every source and buyer-facing text as a compliance reviewer would: hosts on the allow-list, no "
        "staging, copy or marketplace hosts, a pinpoint on every legal citation, one source per figure, and no "
        "research notes. Exits 1 listing the problems, 0 when clean."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        findings = audit_sources()
        for finding in findings:
            self.stdout.write(finding.line())
        if findings:
            self.stderr.write(f"{len(findings)} problem(s) with sources.")
            # SystemExit rather than CommandError: the problems are already listed, one per line.
            raise SystemExit(1)
        self.stdout.write("Sources: no problems found.")
