from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.playbooks.models import Playbook
from apps.playbooks.services import export_playbook_data


class Command(BaseCommand):
    help = "Write a playbook (sections, questions, options, conditions, rules, thresholds, golden cases) as JSON."

    def add_base_argument(self, parser: Any, *args: Any, **kwargs: Any) -> None:
        if "--version" not in args:  # here --version names a playbook version, not Django's
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--version", type=int, help="Published version (default: the current one).")
        parser.add_argument("--id", type=int, help="A playbook's id, for drafts.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["id"] is not None:
            playbook = Playbook.objects.filter(pk=options["id"]).first()
        elif options["version"] is not None:
            playbook = Playbook.objects.filter(version=options["version"]).first()
        else:
            playbook = Playbook.objects.current()
        if playbook is None:
            raise CommandError("No such playbook.")
        text = json.dumps(export_playbook_data(playbook), indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"Wrote {playbook} to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
