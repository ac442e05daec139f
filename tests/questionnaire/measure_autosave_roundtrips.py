"""A measurement, not a test (its name keeps it out of the suite): an autosave as served, with its round trips as
before and as now alternating request by request in one process (docs/performance.md, "Autosave's round trips").

Before: the assessment read alone, the draft read by a statement of its own, and the timeline line written by the
``answers_changed`` event's listener after the commit, in a statement of its own (``ROUND_TRIPS_BEFORE``); now:
the draft read in the assessment's statement and the line in the save's. The posts are form-urlencoded, as htmx
and the bench send them. First every visible single-choice question of the step is saved with each of its values
both ways from the same answers, htmx and plain, and the responses compared (the answer's stamp masked); then
``A1_N`` autosaves a side (default 200) are timed, medians of wall and process CPU, ms.

Run: .venv/bin/python -m pytest tests/questionnaire/measure_autosave_roundtrips.py -q -s -p no:randomly
"""

from __future__ import annotations

import os
import re
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.questionnaire import drafts, extensions, views
from tests.measuring import as_served
from tests.questionnaire.measure_autosave_step import _bench_draft, _reference_draft, print_medians

N = int(os.environ.get("A1_N", "200"))
FORM = "application/x-www-form-urlencoded"
NEW = {
    (views, "_ASSESSMENT_WITH_DRAFT"): views._ASSESSMENT_WITH_DRAFT,
    (drafts, "draft_of"): drafts.draft_of,
    (extensions, "timeline"): extensions.timeline,
}
ROUND_TRIPS_BEFORE = {
    (views, "_ASSESSMENT_WITH_DRAFT"): views._ASSESSMENT,
    (drafts, "draft_of"): lambda assessment: None,
    (extensions, "timeline"): extensions._NoTimeline(),
}


def _use(impls: dict[Any, Any]) -> None:
    for (owner, name), impl in impls.items():
        setattr(owner, name, impl)


def _masked(response: Any) -> tuple[int, str, str]:
    body = re.sub(r'value="[^"]*T[^"]*"', "", response.content.decode())
    return response.status_code, response.get("Location", ""), body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", ["reference", "bench500"])
def test_ab(organisation: Any, buyer: Any, reference: Any, buyer_client: Client, monkeypatch: Any, which: str) -> None:
    from apps.playbooks.engine.visibility import visibility
    from apps.playbooks.runtime import compiled_playbook
    from apps.questionnaire.services import stored_answers

    as_served(monkeypatch)
    a, section, code, v1, v2 = (
        _reference_draft(organisation, buyer, reference) if which == "reference" else _bench_draft(organisation, buyer)
    )

    def post(question: str, value: str, htmx: bool = True) -> Any:
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        body = urlencode({question: value})
        return buyer_client.post(f"/assessments/{a.pk}/answers/{question}/", body, content_type=FORM, **headers)

    compiled = compiled_playbook(a.playbook)
    shown = visibility(compiled, stored_answers(a)).questions
    questions = [q for c in shown if (q := compiled.questions[c]).section == section and q.kind in ("yes_no", "single")]
    compared = 0
    try:
        for q in questions:
            values = ["yes", "no"] if q.kind == "yes_no" else [o.code for o in q.options]
            for value in [*values, ""]:
                for htmx in (True, False):
                    got = []
                    for impls in (ROUND_TRIPS_BEFORE, NEW):
                        before = stored_answers(a).get(q.code)
                        _use(impls)
                        got.append(_masked(post(q.code, value, htmx)))
                        _use(NEW)
                        restore = (
                            "" if before is None else ("yes" if before is True else "no" if before is False else before)
                        )
                        post(q.code, restore, htmx)
                    assert got[0] == got[1], (q.code, value, htmx)
                    compared += 1
        print(f"\n{which}: {compared} responses the same before and after ({len(questions)} questions)")
        for name, impls in (("before", ROUND_TRIPS_BEFORE), ("after", NEW)):
            _use(impls)
            post(code, v1), post(code, v2)
            with CaptureQueriesContext(connection) as q:
                post(code, v1)
            print(f"{which} {name}: {len(q)} statements:", [x["sql"].split()[0] for x in q.captured_queries])
        got_times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for i in range(2 * N):
            name = ("before", "after")[i % 2]
            _use(ROUND_TRIPS_BEFORE if name == "before" else NEW)
            value = (v1, v2)[(i // 2) % 2]
            w, c = time.perf_counter(), time.process_time()
            response = post(code, value)
            got_times[name].append(((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000))
            assert response.status_code == 200
    finally:
        _use(NEW)
    print_medians(which, got_times)
