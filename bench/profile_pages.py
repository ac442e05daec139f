"""Where the time goes in the step page, autosave and submit (runs inside Django, in-process).

Each request is made through Django's test client under pyinstrument (installed from
bench/requirements.txt); the report keeps the heaviest frames of each profile. Without pyinstrument
this step reports that it was skipped.
"""

from __future__ import annotations

import json
import re
from typing import Any

ROUNDS = 20


def _frames(text: str, limit: int = 15) -> list[str]:
    """The heaviest frames by their own time (pyinstrument's flat view)."""
    lines = [ln.rstrip() for ln in text.splitlines() if re.match(r"\s*\d+\.\d+\s", ln)]
    return lines[:limit]


def main(assessment: str = "0", draft: str = "0", question: str = "", value: str = "") -> None:
    try:
        from pyinstrument import Profiler
        from pyinstrument.renderers import ConsoleRenderer
    except ImportError:
        print(json.dumps({"skipped": "pyinstrument is not installed"}))
        return
    from django.test import Client

    from apps.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email="bench0@bench.test"))
    htmx = {"HX-Request": "true"}
    calls: dict[str, Any] = {
        "step page": lambda: client.get(f"/assessments/{assessment}/steps/s0/"),
        "autosave": lambda: client.post(
            f"/assessments/{assessment}/answers/{question}/", {question: value}, headers=htmx
        ),
        "submit (500 rules)": lambda: client.post(f"/recommendations/assessment/{draft}/submit/"),
    }
    out = {}
    for name, call in calls.items():
        if name != "submit (500 rules)":  # a draft submits once; the playbook is compiled by then
            call()  # warm
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(ROUNDS if name != "submit (500 rules)" else 1):
            call()
        profiler.stop()
        flat = ConsoleRenderer(flat=True, unicode=False, color=False, show_all=False)
        out[name] = _frames(profiler.output(renderer=flat))
    print(json.dumps(out))
