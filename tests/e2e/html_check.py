"""The Nu HTML Checker (vnu-jar from npm, run on Java) over the HTML the server sent for each page."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.e2e.browser import REPO

VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(documents: dict[str, str]) -> list[str]:
    """Every error the checker finds in ``documents`` (page name -> HTML), one JVM for all of them."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        return [
            f"cannot check HTML: java is {java or 'missing'}, {VNU_JAR} is {'there' if VNU_JAR.exists() else 'missing'}"
        ]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, html in documents.items():
            path = Path(folder) / f"{name}.html"
            path.write_text(html)
            paths.append(str(path))
        run = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *paths],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    messages = json.loads(run.stderr or "{}").get("messages", [])
    return [
        f"{Path(m.get('url', '?')).stem}: line {m.get('lastLine', '?')}: {m.get('message', '')} "
        f"[{(m.get('extract') or '').strip()[:80]}]"
        for m in messages
        if m.get("type") == "error"
    ]
