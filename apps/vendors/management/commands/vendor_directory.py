from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.vendors.directory_io import export_directory, import_directory


class Command(BaseCommand):
    help = (
        "Export the vendor directory as JSON, or import such a file (validated whole: one bad vendor and "
        "nothing is written). The shipped example vendors load with load_reference_data."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write the directory as JSON.")
        export.add_argument("--output", "-o", help="File to write (default: standard output).")
        load = sub.add_parser("import", help="Create or update vendors from a JSON file, matched by code.")
        load.add_argument("file", help="A vendor directory JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            body = json.dumps(export_directory(), indent=2, ensure_ascii=False) + "\n"
            if options.get("output"):
                Path(options["output"]).write_text(body)
            else:
                self.stdout.write(body, ending="")
            return
        try:
            data = json.loads(Path(options["file"]).read_text(), parse_float=Decimal)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        try:
            report = import_directory(data)
        except ValidationError as exc:
            raise CommandError("The file was refused; nothing was written:\n  " + "\n  ".join(exc.messages)) from exc
        for line in report.lines():
            self.stdout.write(line)
