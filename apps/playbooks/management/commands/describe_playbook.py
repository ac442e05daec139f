from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.playbooks.describe import answer_schema, answer_schema_markdown
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook


class Command(BaseCommand):
    help = "Print a published playbook's answer schema: codes, kinds, options, bounds and when each is shown."

    def add_base_argument(self, parser: Any, *args: Any, **kwargs: Any) -> None:
        if "--version" not in args:  # here --version names a playbook version, not Django's
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--version", type=int, help="Playbook version (default: the current one).")
        parser.add_argument("--format", choices=["markdown", "json"], default="markdown")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["version"] is not None:
            playbook = Playbook.objects.exclude(status=Playbook.Status.DRAFT).filter(version=options["version"]).first()
        else:
            playbook = Playbook.objects.current()
        if playbook is None:
            raise CommandError("No such published playbook.")
        compiled = compiled_playbook(playbook)
        if options["format"] == "json":
            self.stdout.write(json.dumps(answer_schema(compiled), indent=2))
        else:
            self.stdout.write(answer_schema_markdown(compiled), ending="")
