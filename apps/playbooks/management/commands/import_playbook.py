from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.playbooks.services import PlaybookError, import_playbook


class Command(BaseCommand):
    help = "Import a playbook JSON file as a new draft. A bad file is refused whole, with every problem listed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:  # ValueError covers bad JSON and huge numbers
            raise CommandError(f"{path} is not readable JSON: {exc}", returncode=2) from None
        try:
            draft = import_playbook(data=data)
        except PlaybookError as exc:
            problems = "\n".join(f"  - {m}" for m in exc.messages)
            raise CommandError(f"{path} was refused; nothing was written:\n{problems}", returncode=2) from None
        self.stdout.write(f"Imported {path} as draft #{draft.pk} “{draft.title}”. Review and publish it in Curation.")
