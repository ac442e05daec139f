from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.playbooks.catalogue_io import CatalogueError, import_catalogue


class Command(BaseCommand):
    help = "Import a catalogue JSON file: all of it, or (with every problem listed) none of it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        except (OSError, ValueError, RecursionError) as exc:  # ValueError covers bad JSON and huge numbers
            raise CommandError(f"{path} is not readable JSON: {exc}", returncode=2) from None
        try:
            report = import_catalogue(data)
        except CatalogueError as exc:
            problems = "\n".join(f"  - {m}" for m in exc.messages)
            raise CommandError(f"{path} was refused; nothing was written:\n{problems}", returncode=2) from None
        for line in report.lines():
            self.stdout.write(line)
