"""A measurement, not a test (its name keeps it out of the suite): an htmx autosave with the step page's list of
steps drawn by the template partial it was (``step.html`` at ``F1_OLD``, default 30df6fe) and by
``apps.questionnaire.section_list``, alternating request by request in one process through the test client, on
the reference playbook and the bench's 500-rule one. Checks the two responses are the same (the answer's stamp
masked) and prints the median wall and CPU time of ``F1_N`` requests a side (docs/performance.md).

Run: .venv/bin/python -m pytest tests/questionnaire/measure_autosave_fragments.py -q -s
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from typing import Any

import pytest
from django.template import engines, loader
from django.template.backends.django import Template as BackendTemplate
from django.test import Client

from apps.questionnaire import views
from tests.questionnaire.measure_autosave_step import print_medians, served_autosave

N = int(os.environ.get("F1_N", "300"))
OLD = os.environ.get("F1_OLD", "30df6fe")


def _old_render_to_string() -> Any:
    """``render_to_string`` with the step page's partials taken from the old ``step.html``."""
    backend = engines["django"]
    text = subprocess.run(
        ["git", "show", f"{OLD}:templates/questionnaire/step.html"], capture_output=True, text=True, check=True
    ).stdout
    partials = backend.from_string(text).template.extra_data["partials"]

    def render(name: str, context: Any = None, request: Any = None) -> str:
        loader.get_template(name)  # as the new side: the loader's look-up, then the old partial
        partial = partials[name.partition("#")[2]]
        partial.engine = backend.engine
        return BackendTemplate(partial, backend).render(context, request)

    return render


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", ["reference", "bench500"])
def test_ab(organisation: Any, buyer: Any, reference: Any, buyer_client: Client, monkeypatch: Any, which: str) -> None:
    sides = {"before": _old_render_to_string(), "after": views.render_to_string}
    post, v1, v2 = served_autosave(monkeypatch, buyer_client, organisation, buyer, reference, which)

    bodies = {}
    got: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    for name, impl in sides.items():
        monkeypatch.setattr(views, "render_to_string", impl)
        post(v1), post(v2)
        bodies[name] = re.sub(r'value="[^"]*T[^"]*"', "", post(v1).content.decode())
    assert bodies["before"] == bodies["after"]
    assert 'id="sections"' in bodies["after"]
    for i in range(2 * N):
        name = ("before", "after")[i % 2]
        monkeypatch.setattr(views, "render_to_string", sides[name])
        value = (v1, v2)[(i // 2) % 2]
        w, c = time.perf_counter(), time.process_time()
        post(value)
        got[name].append(((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000))
    print_medians(which, got)
