from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from apps.common.reference import Report


class Command(BaseCommand):
    help = (
        "Load the reference catalogue (and playbook) keyed by code. Idempotent: creates what is missing, "
        "refreshes entries nobody edited, and reports (never overwrites) entries a curator changed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report what would change, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = Report()
        try:
            with transaction.atomic():
                for dotted in settings.REFERENCE_LOADERS:
                    import_string(dotted)(report)
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            raise CommandError(f"Reference data is invalid, nothing was written: {'; '.join(exc.messages)}") from exc
        for line in report.lines():
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
