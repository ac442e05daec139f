"""The benchmark's own app and database: ``loadtest.appserver.AppServer`` under ``.data/bench``, with the
bench settings (the project's, plus the baseline view). The data folder is kept between runs, so the
million recommendations are loaded once; ``make bench`` from a fresh clone creates it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from loadtest.appserver import ROOT, AppServer

DATA_DIR = ROOT / ".data" / "bench"


class BenchServer(AppServer):
    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "DJANGO_SETTINGS_MODULE": "bench.settings", "CONN_MAX_AGE": "60"}

    def prepare(self, *, schema: Path | None = None) -> None:
        """Database (created the first time, from ``schema`` when given), migrations, reference data, collected
        static files."""
        self.start_database()
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        if schema is not None:
            self.restore(schema)
        self.manage("bootstrap")

    def step(self, module: str, *args: str, timeout: float = 3600) -> Any:
        """Run ``bench.<module>.main(*args)`` inside Django against this database; its JSON result."""
        out = self.python(
            f"import sys, json\nfrom bench.{module} import main\nmain(*sys.argv[1:])", *args, timeout=timeout
        )
        return json.loads(out.strip().splitlines()[-1])


def results_dir(root: Path = DATA_DIR) -> Path:
    path = root / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path
