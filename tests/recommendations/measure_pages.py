"""Measurements, not tests (the file's name keeps them out of the suite): submit and the result page in-process
through Django's test client on the bench's generated 500-rule playbook, drafts as bench/fixtures.drafts makes them
(answer_sets seed 41, every visible question answered), as make bench's submit and result phases use them.

- test_measure: medians (wall and CPU, ms) of MP_N submits and MP_ROUNDS x MP_N result GETs, with the time spent in
  the garbage collector; MP_CPROFILE=dir writes cProfile stats of both; MP_DUMP=file writes one snapshot and page.
- test_template_parts (MP_PARTS=1): inclusive time per included template and per block tag of the result page.
- test_result_phases (MP_RPHASES=1): CPU time of the result page's phases and its queries.
- test_same_pages (MP_OLD_TEMPLATES=another checkout's templates/): result pages, memos and regime pages with
  this checkout's templates and the other's, byte for byte once per-request tokens are masked.
- test_ab (MP_AB=1, MP_OLD_TEMPLATES): the code before and after the cuts of 2026-12-01 alternating in one process.

Run: .venv/bin/python -m pytest tests/recommendations/measure_pages.py::test_ab -q -s -p no:randomly
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.measuring import as_served, time_calls
from tests.recommendations.measure_submit import _drafts as submit_drafts

pytestmark = pytest.mark.django_db(transaction=True)
N = int(os.environ.get("MP_N", "30"))
ROUNDS = int(os.environ.get("MP_ROUNDS", "3"))


def _drafts(organisation: Any, buyer: Any, count: int) -> list[int]:
    """As make bench's submit and result phases make them (answer_sets seed 41)."""
    return submit_drafts(organisation, buyer, count, seed=41)


def _timed(call: Any) -> tuple[float, float, Any]:
    w, c = time.perf_counter(), time.process_time()
    r = call()
    return (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000, r


def test_measure(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    as_served(monkeypatch)
    pks = _drafts(organisation, buyer, N + 2)
    urls: list[str] = []

    def submit(pk: int) -> Any:
        r = buyer_client.post(f"/recommendations/assessment/{pk}/submit/")
        assert r.status_code == 302, (r.status_code, r.content[:300])
        urls.append(r["Location"])
        return r

    def result(url: str) -> Any:
        r = buyer_client.get(url)
        assert r.status_code == 200, r.status_code
        return r

    submit(pks.pop())
    result(urls[0])
    if os.environ.get("MP_DUMP"):
        from apps.recommendations.models import Recommendation

        rec = Recommendation.objects.get(pk=int(urls[0].rstrip("/").split("/")[-1]))
        with open(os.environ["MP_DUMP"], "w") as fh:
            json.dump(rec.snapshot, fh)
        with open(os.environ["MP_DUMP"] + ".html", "wb") as fh:
            fh.write(result(urls[0]).content)
    with CaptureQueriesContext(connection) as qs:
        submit(pks.pop())
    with CaptureQueriesContext(connection) as qr:
        result(urls[-1])
    prof = os.environ.get("MP_CPROFILE")
    profile = None
    if prof:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    import gc

    acc = {"t": 0.0, "spent": 0.0, "full": 0}

    def collecting(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            acc["t"] = time.perf_counter()
        else:
            acc["spent"] += time.perf_counter() - acc["t"]
            acc["full"] += info["generation"] == 2

    gc.callbacks.append(collecting)
    subs = [_timed(lambda pk=pk: submit(pk)) for pk in pks]
    gc_submit = (acc["spent"] * 1000 / len(pks), acc["full"])
    acc.update(spent=0.0, full=0)
    if profile:
        profile.disable()
        profile.dump_stats(f"{prof}/submit.prof")
        profile = cProfile.Profile()
        profile.enable()
    got = [_timed(lambda u=u: result(u)) for _ in range(ROUNDS) for u in urls[2:]]
    if profile:
        profile.disable()
        profile.dump_stats(f"{prof}/result.prof")
    gc_result = (acc["spent"] * 1000 / len(got), acc["full"])
    gc.callbacks.remove(collecting)
    sizes = sorted(len(g[2].content) for g in got)
    out = {
        "label": os.environ.get("MP_LABEL", ""),
        "submit_wall": statistics.median(s[0] for s in subs),
        "submit_cpu": statistics.median(s[1] for s in subs),
        "result_wall": statistics.median(g[0] for g in got),
        "result_cpu": statistics.median(g[1] for g in got),
        "submit_queries": len(qs),
        "result_queries": len(qr),
        "n": len(subs),
        "gets": len(got),
        "result_bytes_median": sizes[len(sizes) // 2],
        "gc_ms_per_submit_and_full_collections": gc_submit,
        "gc_ms_per_result_and_full_collections": gc_result,
    }
    print("\nMEASURE " + json.dumps(out))


def test_template_parts(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    """Inclusive time per included template on the result page (MP_N pages, 3 rounds)."""
    from collections import defaultdict

    from django.template import loader_tags

    if not os.environ.get("MP_PARTS"):
        pytest.skip("MP_PARTS not set")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    as_served(monkeypatch)
    pks = _drafts(organisation, buyer, N)
    urls = [buyer_client.post(f"/recommendations/assessment/{pk}/submit/")["Location"] for pk in pks]
    spent: dict[str, list[float]] = defaultdict(list)
    original = loader_tags.IncludeNode.render

    def render(self: Any, context: Any) -> Any:
        w = time.perf_counter()
        try:
            return original(self, context)
        finally:
            spent[str(self.template.var)].append((time.perf_counter() - w) * 1000)

    monkeypatch.setattr(loader_tags.IncludeNode, "render", render)
    from django.template import defaulttags

    for cls in (defaulttags.ForNode, defaulttags.IfNode, defaulttags.WithNode, defaulttags.URLNode):
        orig = cls.render

        def node_render(self: Any, context: Any, _orig: Any = orig) -> Any:
            w = time.perf_counter()
            try:
                return _orig(self, context)
            finally:
                key = (
                    f"{type(self).__name__} {self.origin.template_name}:{self.token.lineno} {self.token.contents[:50]}"
                )
                spent[key].append((time.perf_counter() - w) * 1000)

        monkeypatch.setattr(cls, "render", node_render)
    for u in urls:
        buyer_client.get(u)
    spent.clear()
    whole = []
    for _ in range(3):
        for u in urls:
            w = time.perf_counter()
            buyer_client.get(u)
            whole.append((time.perf_counter() - w) * 1000)
    print(f"\nwhole page median {statistics.median(whole):.2f} ms")
    pages = len(whole)
    for name, xs in sorted(spent.items(), key=lambda kv: -sum(kv[1]))[:45]:
        print(f"  {sum(xs) / pages:7.2f} ms/page  {len(xs) / pages:5.1f}x  {name}")


def test_result_phases(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    """CPU time (process_time, ms) of the result page's phases, medians over MP_N pages x 3."""
    from collections import defaultdict

    if not os.environ.get("MP_RPHASES"):
        pytest.skip("MP_RPHASES not set")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    as_served(monkeypatch)
    pks = _drafts(organisation, buyer, N)
    urls = [buyer_client.post(f"/recommendations/assessment/{pk}/submit/")["Location"] for pk in pks]
    for u in urls:
        buyer_client.get(u)
    spent: dict[str, list[float]] = defaultdict(list)
    watched = (
        "apps.recommendations.views:render",
        "apps.recommendations.views:_recommendation",
        "apps.recommendations.views:result_panel",
        "apps.recommendations.views:score_chart",
        "apps.recommendations.views:cost_chart",
        "apps.recommendations.models:read_snapshot",
        "django.db.models.fields.json:JSONField.from_db_value",
        "apps.accounts.scoping:current_membership",
    )
    time_calls(monkeypatch, watched, lambda name, ms: spent[name].append(ms), time.process_time)
    whole = []
    for _ in range(3):
        for u in urls:
            w = time.process_time()
            with CaptureQueriesContext(connection) as q:
                buyer_client.get(u)
            whole.append((time.process_time() - w) * 1000)
    print(f"\nwhole page cpu median {statistics.median(whole):.2f} ms; {len(q)} queries")
    for x in q.captured_queries:
        print(f"   {x['time']}  {x['sql'][:150]}")
    for name, xs in sorted(spent.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"  {statistics.median(xs):7.2f} ms  {len(xs) / len(whole):5.1f}x  {name}")


def test_same_pages(organisation: Any, buyer: Any, buyer_client: Client, reference: Any, settings: Any) -> None:
    """The result pages, memo HTML, what-if and compliance pages rendered with this tree's templates and with
    MP_OLD_TEMPLATES' (another checkout's templates/), byte for byte once the per-request tokens are masked."""
    import re

    from django.template import engines

    old = os.environ.get("MP_OLD_TEMPLATES")
    if not old:
        pytest.skip("MP_OLD_TEMPLATES not set")
    from apps.recommendations.memo import render_memo_html
    from apps.recommendations.models import Recommendation

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    pks = _drafts(organisation, buyer, N)
    urls = [buyer_client.post(f"/recommendations/assessment/{pk}/submit/")["Location"] for pk in pks]
    golden = [
        buyer_client.post(f"/recommendations/assessment/{a.pk}/submit/")["Location"]
        for a in _golden(reference, organisation, buyer)
    ]
    masks = (r'name="csrfmiddlewaretoken" value="[^"]+"', r'nonce="[^"]+"', r'"X-CSRFToken": "[^"]+"')

    def pages() -> list[bytes]:
        out = []
        for u in urls + golden + ["/regimes/", "/regimes/hipaa/", "/regimes/gdpr/"]:
            body = buyer_client.get(u).content.decode()
            for m in masks:
                body = re.sub(m, "MASKED", body)
            out.append(body.encode())
        for u in urls[:3] + golden:
            rec = Recommendation.objects.get(pk=int(u.rstrip("/").split("/")[-1]))
            out.append(render_memo_html(rec, "http://testserver/").encode())
        return out

    new_pages = pages()
    engine = engines["django"].engine
    dirs = list(engine.dirs)
    engine.dirs = [old, *dirs[1:]]
    for loader in engine.template_loaders:
        loader.reset()
    try:
        old_pages = pages()
    finally:
        engine.dirs = dirs
        for loader in engine.template_loaders:
            loader.reset()
    assert len(new_pages) == len(old_pages)
    differ = [i for i, (a, b) in enumerate(zip(new_pages, old_pages, strict=True)) if a != b]
    print(f"\n{len(new_pages)} pages compared, {len(differ)} differ")
    if differ:
        import difflib

        a, b = old_pages[differ[0]].decode().splitlines(), new_pages[differ[0]].decode().splitlines()
        print("\n".join(list(difflib.unified_diff(a, b, lineterm=""))[:40]))
    assert not differ


def _golden(reference: Any, organisation: Any, buyer: Any) -> list[Any]:
    from tests.factories import AssessmentFactory

    return [
        AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=case.answers)
        for case in reference.golden_cases.all()
    ]


def test_ab(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    """Old and new code alternating in one process (MP_AB=1; MP_OLD_TEMPLATES: the previous checkout's templates/):
    MP_BLOCKS blocks per side of MP_K submits and 3 x MP_K result GETs, the sides' order swapped every block. The
    old side puts back what each cut replaced: the cheaper location priced by a whole cost, and the previous
    templates."""
    import contextlib
    import importlib

    from django.template import engines

    if not os.environ.get("MP_AB"):
        pytest.skip("MP_AB not set")
    blocks, k = int(os.environ.get("MP_BLOCKS", "6")), int(os.environ.get("MP_K", "8"))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    as_served(monkeypatch)
    engine_module = importlib.import_module("apps.playbooks.engine.evaluate")
    from apps.playbooks.engine.tco.types import ModelSaving

    def whole_cost_saving(pb: Any, code: str, role: Any, location: str) -> Any:
        # As before the cut: the whole cost of the model from there (every line, break-even, tornado).
        whole = engine_module._cost(pb, [code], role, (), location)
        there = next((m for m in whole.models if m.model == code), None)
        if there is None or there.tco is None or there.probability_saving is None:
            return None
        return ModelSaving(code, there.tco.horizon, there.savings[0], there.savings[1], there.savings[2],
                           there.probability_saving)  # fmt: skip

    engine = engines["django"].engine
    dirs = list(engine.dirs)

    @contextlib.contextmanager
    def side(label: str) -> Any:
        if label == "old":
            with monkeypatch.context() as m:
                m.setattr(engine_module, "_saving", whole_cost_saving)
                engine.dirs = [os.environ["MP_OLD_TEMPLATES"], *dirs[1:]]
                for loader in engine.template_loaders:
                    loader.reset()
                try:
                    yield
                finally:
                    engine.dirs = dirs
                    for loader in engine.template_loaders:
                        loader.reset()
        else:
            yield

    pks = _drafts(organisation, buyer, blocks * k * 2 + 1)
    warm = buyer_client.post(f"/recommendations/assessment/{pks.pop()}/submit/")["Location"]
    samples: dict[str, dict[str, list[float]]] = {
        s: {"submit": [], "submit_cpu": [], "result": [], "result_cpu": []} for s in ("old", "new")
    }
    for block in range(blocks):
        for label in ("old", "new") if block % 2 == 0 else ("new", "old"):
            with side(label):
                buyer_client.get(warm)  # templates compiled for this side
                made = []
                for _ in range(k):
                    pk = pks.pop()
                    w, c, r = _timed(lambda pk=pk: buyer_client.post(f"/recommendations/assessment/{pk}/submit/"))
                    assert r.status_code == 302
                    made.append(r["Location"])
                    samples[label]["submit"].append(w)
                    samples[label]["submit_cpu"].append(c)
                for _ in range(3):
                    for u in made:
                        w, c, r = _timed(lambda u=u: buyer_client.get(u))
                        assert r.status_code == 200
                        samples[label]["result"].append(w)
                        samples[label]["result_cpu"].append(c)
    out = {s: {name: round(statistics.median(xs), 2) for name, xs in d.items()} for s, d in samples.items()}
    out["n"] = {name: len(xs) for name, xs in samples["new"].items()}
    print("\nAB " + json.dumps(out))
