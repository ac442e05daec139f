"""A measurement, not a test (its name keeps it out of the suite): the step page and an htmx autosave
in-process, on the bench's 500-rule playbook (a draft with every visible question answered) and on the
reference playbook, each query listed with its time, then the median wall and CPU time of N requests
through the test client with the code before issue 21 (``OLD``) and the current code alternating request
by request (docs/performance.md, "Autosave and step (issue 21)").

Run: .venv/bin/python -m pytest tests/questionnaire/measure_autosave_step.py -q -s
A1_N requests of each (default 200); A1_WHICH=bench or reference for one playbook; A1_PROFILE=1 adds
pyinstrument's flat profile (trees under /tmp/a1), A1_CPROFILE=1 cProfile's (/tmp/a1).
A1_OLD=prepared compares with the queries built and compiled on every request and the header's links reversed
on every page, as before ``PreparedQuery`` and ``fixed_url`` (docs/performance.md, "The step page's queries").
A1_OLD=step compares with the member's view of the team read by a query of its own after the assessment's and
the static files' URLs worked out on every page, as before ``fixed_static`` (docs/performance.md, "The step
page's queries", the second note).
A1_OLD=answers compares with the step page's answers read by a query of their own after the assessment's, as
before they were read in its statement (``drafts.with_draft``).
A1_OLD=blocks compares with the base template's blocks looked for on every render of a page extending it, as
Django's cached loader does (``apps.common.template_loader``).
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

import pytest
from django.db import connection
from django.template.base import NodeList
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.measuring import as_served

pytestmark = pytest.mark.django_db(transaction=True)
N = int(os.environ.get("A1_N", "200"))
HX = {"HTTP_HX_REQUEST": "true"}


def _bench_draft(organisation: Any, buyer: Any) -> tuple[Any, str, str, str, str]:
    from apps.playbooks.definition import catalogue_snapshot
    from apps.playbooks.engine.evaluate import visible_answers
    from apps.playbooks.runtime import compiled_playbook
    from apps.playbooks.services import import_playbook, publish_playbook
    from apps.questionnaire.models import Answer, Assessment
    from bench.playbooks import answer_sets, generate_playbook

    data = generate_playbook(500, catalogue=catalogue_snapshot())
    del data["catalogue"]
    playbook = publish_playbook(playbook=import_playbook(data=data))
    compiled = compiled_playbook(playbook)
    a = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Bench", playbook=playbook)
    given = answer_sets(playbook.definition, 1, seed=41, answered=1.0)[0]
    _, _, effective = visible_answers(compiled, given)
    Answer.objects.bulk_create(
        Answer(organisation=organisation, assessment=a, question_code=c, value=v) for c, v in effective.items()
    )
    return a, "s0", "home_market", "uk", "us"


def _reference_draft(organisation: Any, buyer: Any, playbook: Any) -> tuple[Any, str, str, str, str]:
    from apps.playbooks.engine.visibility import visibility
    from apps.playbooks.runtime import compiled_playbook
    from apps.questionnaire.models import Assessment

    compiled = compiled_playbook(playbook)
    a = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Ref", playbook=playbook)
    shown = visibility(compiled, {}).questions
    q = next(compiled.questions[c] for c in shown if compiled.questions[c].kind in ("yes_no", "single"))
    if q.kind == "yes_no":
        return a, q.section, q.code, "yes", "no"
    return a, q.section, q.code, q.options[0].code, q.options[1].code


def _old_member_view(self: Any, membership: Any, assessment: Any) -> Any:
    """apps/teamwork/team.py's member_view before issue 21 (the ORM-built union), for alternating runs."""
    from django.db.models import CharField, Value

    from apps.teamwork.models import SecondOpinion, SectionAssignment
    from apps.teamwork.team import _assigned_to, member_view_of

    def tag(name: str) -> Value:
        return Value(name, output_field=CharField())

    own = {"organisation_id": assessment.organisation_id, "assessment": assessment}
    mine = SectionAssignment.objects.filter(_assigned_to(membership), **own).values_list("section_code", tag("mine"))
    pending = SecondOpinion.objects.filter(reviewer=membership, given_at__isnull=True, **own).values_list(
        "section_code", tag("hidden")
    )
    assigned = SectionAssignment.objects.filter(**own).values_list("section_code", tag("assigned"))
    asked = SecondOpinion.objects.filter(**own).values_list("section_code", tag("asked"))
    rows = list(
        mine.order_by().union(pending.order_by(), assigned.order_by()[:1], asked.order_by()[:1], all=True).order_by()
    )
    return member_view_of(rows, assessment)


def _unprepared(self: Any, **values: int) -> list[Any]:
    """A ``PreparedQuery`` as the code before it ran its query: the queryset built and compiled on every call."""
    return list(self._build(**values))


def _old_assessment_and_team(request: Any, pk: int) -> Any:
    """The step page's assessment and the member's view of the team as two queries, as before they were one."""
    from apps.questionnaire import extensions, views

    assessment = views._assessment(request, pk)
    return assessment, extensions.team.member_view(request.membership, assessment)


def _old_assessment_team_and_answers(request: Any, pk: int) -> Any:
    """The step page's assessment and team in one query, then its answers in a query of their own, as before
    the answers were read in the assessment's statement."""
    from apps.common.prepared import PreparedQuery
    from apps.questionnaire import drafts, extensions, views
    from apps.questionnaire.models import Answer

    global _OLD_AND_TEAM, _OLD_ANSWERS
    if _OLD_AND_TEAM is None:
        _OLD_AND_TEAM = PreparedQuery(views._member_assessment_and_team)
        _OLD_ANSWERS = PreparedQuery(
            lambda organisation, assessment: (
                Answer.objects.filter(organisation_id=organisation, assessment_id=assessment)
                .order_by("question_code")
                .values_list("question_code", "value", "answered_at", "answered_by_id", "answered_by__email")
            )
        )
    found = _OLD_AND_TEAM(organisation=request.organisation.pk, pk=pk, member=request.membership.pk)
    assessment = found[0]
    team = extensions.team.member_view_from(assessment.member_view, assessment)
    rows = _OLD_ANSWERS(organisation=assessment.organisation_id, assessment=assessment.pk)
    return assessment, team, drafts.Draft(is_draft=assessment.is_draft, version="", rows=list(rows))


_OLD_AND_TEAM: Any = None
_OLD_ANSWERS: Any = None


class _Forgetful(dict[Any, str]):
    """The base page's fixed URLs as before ``fixed_url`` (and ``fixed_static``): worked out on every page."""

    def get(self, key: Any, default: Any = None) -> Any:
        return default


# A1_OLD=prepared: the code before the prepared queries (apps/common/prepared.py) and the fixed URLs instead;
# A1_OLD=step: the member's view of the team in a query of its own, the static URLs worked out on every page.
_OLD_CODE: dict[str, dict[str, Any]] = {
    "prepared": {
        "apps.common.prepared.PreparedQuery.__call__": _unprepared,
        "apps.common.templatetags.kpo._FIXED_URLS": _Forgetful(),
    },
    "answers": {"apps.questionnaire.views._assessment_and_team": _old_assessment_team_and_answers},
    "blocks": {"apps.common.template_loader.KeptNodeList.get_nodes_by_type": NodeList.get_nodes_by_type},
    "step": {
        "apps.questionnaire.views._assessment_and_team": _old_assessment_and_team,
        "apps.common.templatetags.kpo._FIXED_STATIC": _Forgetful(),
    },
}
OLD = _OLD_CODE.get(os.environ.get("A1_OLD", ""), {"apps.teamwork.team.AssessmentTeam.member_view": _old_member_view})


def _with(old: bool, call: Any) -> Any:
    """Run ``call`` with the pre-issue-21 code (``OLD``) swapped in, or with the current code."""
    import importlib

    saved = []
    if old:
        for dotted, impl in OLD.items():
            module, owner, attr = dotted.rsplit(".", 2)
            target = getattr(importlib.import_module(module), owner)
            saved.append((target, attr, getattr(target, attr)))
            setattr(target, attr, impl)
    try:
        return call()
    finally:
        for target, attr, impl in saved:
            setattr(target, attr, impl)


def served_autosave(
    monkeypatch: Any, client: Client, organisation: Any, buyer: Any, reference: Any, which: str
) -> tuple[Any, str, str]:
    """Autosaves as served (without the test client's template instrumentation) on a draft of the reference
    playbook or the bench's 500-rule one: a post of one value, checked to be a 200, and the draft's two values."""

    as_served(monkeypatch)
    draft = (
        _reference_draft(organisation, buyer, reference) if which == "reference" else _bench_draft(organisation, buyer)
    )
    a, _, code, v1, v2 = draft
    url = f"/assessments/{a.pk}/answers/{code}/"

    def post(value: str) -> Any:
        response = client.post(url, {code: value}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        return response

    return post, v1, v2


def print_medians(which: str, got: dict[str, list[tuple[float, float]]]) -> None:
    """The median wall and CPU time of each side's autosaves."""
    for name, times in got.items():
        wall, cpu = statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)
        print(f"** {which} autosave {name}: median wall {wall:.2f} ms, cpu {cpu:.2f} ms over {len(times)}")


def _time(call: Any) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000


def _run(client: Client, a: Any, section: str, code: str, v1: str, v2: str, label: str) -> None:
    step = f"/assessments/{a.pk}/steps/{section}/"
    answer = f"/assessments/{a.pk}/answers/{code}/"
    calls = {
        "step": lambda: client.get(step),
        "autosave": lambda: client.post(answer, {code: v1}, **HX),
        "autosave2": lambda: client.post(answer, {code: v2}, **HX),
    }
    for name, call in calls.items():
        r = call()
        assert r.status_code == 200, (name, r.status_code, r.content[:500])
    for name in ("step", "autosave"):
        with CaptureQueriesContext(connection) as q:
            calls[name]()
        print(f"\n== {label} {name}: {len(q)} queries, {sum(float(x['time']) for x in q) * 1000:.2f} ms in SQL")
        for x in q.captured_queries:
            print(f"  {float(x['time']) * 1000:6.2f} ms  {x['sql'][:230]}")
    for name in ("step", "autosave"):
        got: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        for i in range(2 * N):  # old and new alternate, request by request
            call = calls[name if name == "step" else ("autosave", "autosave2")[(i // 2) % 2]]
            old = i % 2 == 0
            got[old].append(_with(old, lambda call=call: _time(call)))
        for old, times in got.items():
            wall = statistics.median(t[0] for t in times)
            cpu = statistics.median(t[1] for t in times)
            print(
                f"** {label} {name} {'before' if old else 'after '}: "
                f"median wall {wall:.2f} ms, cpu {cpu:.2f} ms over {N}"
            )
    os.makedirs("/tmp/a1", exist_ok=True)
    if os.environ.get("A1_CPROFILE"):
        import cProfile
        import pstats

        for name in ("step", "autosave"):
            pr = cProfile.Profile()
            pr.enable()
            for i in range(40):
                calls[name if name == "step" else ("autosave", "autosave2")[i % 2]]()
            pr.disable()
            with open(f"/tmp/a1/cprof_{label}_{name}.txt", "w") as out:
                pstats.Stats(pr, stream=out).sort_stats("cumulative").print_stats(120)
    if os.environ.get("A1_PROFILE"):
        from pyinstrument import Profiler
        from pyinstrument.renderers import ConsoleRenderer

        for name in ("step", "autosave"):
            p = Profiler(interval=0.001)
            p.start()
            for i in range(60):
                calls[name if name == "step" else ("autosave", "autosave2")[i % 2]]()
            p.stop()
            flat = ConsoleRenderer(flat=True, unicode=False, color=False, show_all=False)
            print(f"\n== profile {label} {name}")
            print("\n".join(p.output(renderer=flat).splitlines()[:40]))
            tree = ConsoleRenderer(unicode=False, color=False, show_all=False, time="percent_of_total")
            with open(f"/tmp/a1/tree_{label}_{name}.txt", "w") as fh:
                fh.write(p.output(renderer=tree))


def test_measure(organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any) -> None:
    from django.conf import settings

    as_served(monkeypatch)

    print("\nDEBUG", settings.DEBUG)
    which = os.environ.get("A1_WHICH", "bench,reference")
    if "bench" in which:
        _run(buyer_client, *_bench_draft(organisation, buyer), "bench500")
    if "reference" in which:
        _run(buyer_client, *_reference_draft(organisation, buyer, reference), "reference")
