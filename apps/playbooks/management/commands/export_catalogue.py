from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from apps.playbooks.catalogue_io import export_catalogue


class Command(BaseCommand):
    help = "Write the catalogue (models, functions, locations, regimes with obligations) as JSON keyed by code."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(export_catalogue(), indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"Wrote the catalogue to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
