"""The impact preview reads stored recommendations a chunk of ids at a time, each chunk grouped in the database;
whatever the chunks, the groups and where each recommendation's answers come from (packed, no packed row, packed
by another layout), it gives what scoring each recommendation one by one gives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import CompiledPlaybook, clean_answers, compile_playbook
from apps.playbooks.engine.evaluate import outcome
from apps.playbooks.models import Effect, Playbook
from apps.playbooks.services import start_draft
from apps.recommendations import impact
from apps.recommendations.impact import engine_input, preview_impact
from apps.recommendations.models import PackedAnswers, Recommendation
from apps.recommendations.services import submit_and_recommend
from tests.security.conftest import _assessment

pytestmark = pytest.mark.django_db

VARIANTS = [
    {"function": function, "judgement": judgement, "distributed_us": function == "research", **rest}
    for function in ("legal", "research")
    for judgement in (True, False)
    for rest in ({"hours": 4000, "data": ["none"]}, {"hours": 20, "data": ["phi", "eu"], "covered": True})
]


def _one_by_one(compiled: CompiledPlaybook, limit: int | None = None) -> tuple[Any, ...]:
    """The preview worked out recommendation by recommendation, newest first: each one's snapshot answers
    cleaned for the draft and scored by ``outcome()``, compared with its stored verdict and top model."""
    counts = {"scored": 0, "changed": 0, "verdict": 0, "model": 0}
    examples: list[tuple[str, str, str, str, str]] = []
    for rec in Recommendation.objects.order_by("-created_at", "-id")[:limit]:
        stored: Mapping[str, Any] = rec.snapshot.get("stored_answers") or {}
        got = outcome(compiled, clean_answers(compiled.questions, stored, ignore_unknown=True)[0])
        verdict_changed, model_changed = got.verdict != rec.verdict, (got.top_model or "") != rec.top_model
        counts["scored"] += 1
        counts["verdict"] += verdict_changed
        counts["model"] += model_changed
        if verdict_changed or model_changed:
            counts["changed"] += 1
            if len(examples) < impact.EXAMPLES:
                examples.append((rec.function, rec.verdict, got.verdict, rec.top_model, got.top_model or ""))
    return counts["scored"], counts["changed"], counts["verdict"], counts["model"], examples


def _preview(compiled: CompiledPlaybook, limit: int | None = None) -> tuple[Any, ...]:
    got = preview_impact(compiled, limit=limit)
    examples = [(c.function, c.verdict_before, c.verdict_after, c.model_before, c.model_after) for c in got.examples]
    return got.scored, got.changed, got.verdict_changes, got.model_changes, examples


@pytest.fixture
def stored(
    organisation: Organisation, other_organisation: Organisation, buyer: User, outsider: User, playbook: Playbook
) -> None:
    """Sixteen recommendations in two organisations with eight kinds of answers: most packed, two without a
    packed row, two packed by a layout that is no longer their playbook's."""
    made = []
    for i, answers in enumerate(VARIANTS * 2):
        org, user = (organisation, buyer) if i % 3 else (other_organisation, outsider)
        made.append(submit_and_recommend(assessment=_assessment(org, user, playbook, f"R{i}", **answers), user=user))
    assert PackedAnswers.objects.count() == len(made)
    PackedAnswers.objects.filter(recommendation__in=made[3:5]).delete()
    PackedAnswers.objects.filter(recommendation__in=made[7:9]).update(layout="0" * 16, data=b"\x00" * 3)


def _draft(playbook: Playbook) -> CompiledPlaybook:
    """A draft that turns some verdicts and not others: judgement counts against a fit."""
    draft = start_draft(playbook=playbook)
    Effect.objects.filter(rule__playbook=draft, kind="fit").update(points=-60)
    return compile_playbook(engine_input(draft))


@pytest.mark.parametrize("batch", [1, 3, 7, 1000])
def test_the_chunked_read_gives_the_preview_one_by_one_gives(
    stored: None, playbook: Playbook, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    compiled = _draft(playbook)
    expected = _one_by_one(compiled)
    assert expected[0] == 16 and 0 < expected[1] < 16  # some change, some do not
    monkeypatch.setattr(impact, "BATCH", batch)
    assert _preview(compiled) == expected
    for limit in (0, 1, 5, 16, 40):
        assert _preview(compiled, limit) == _one_by_one(compiled, limit), limit


def test_gaps_in_the_ids_and_many_changes_keep_the_newest_examples(
    stored: None, playbook: Playbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = _draft(playbook)
    Recommendation.objects.filter(title__in=["R2", "R5", "R6"]).delete()
    monkeypatch.setattr(impact, "EXAMPLES", 3)
    for batch in (1, 2):  # with one id a chunk, the deleted ones are chunks with nothing in them
        monkeypatch.setattr(impact, "BATCH", batch)
        assert _preview(compiled) == _one_by_one(compiled)


def test_packed_bytes_of_the_wrong_length_are_read_from_the_snapshot(
    stored: None, playbook: Playbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bytes under the playbook's own layout but not one record long (a damaged row) are not read as answers:
    # the snapshot's answers are, and the preview neither fails nor misreads the other rows of its chunk.
    compiled = _draft(playbook)
    expected = _one_by_one(compiled)
    packed = PackedAnswers.objects.exclude(layout="0" * 16).order_by("pk")
    PackedAnswers.objects.filter(pk=packed[0].pk).update(data=bytes(packed[0].data)[:-1])
    monkeypatch.setattr(impact, "BATCH", 5)
    assert _preview(compiled) == expected


@pytest.mark.django_db(transaction=True)
def test_the_preview_groups_in_memory_and_leaves_the_connection_as_it_was(playbook: Playbook, monkeypatch: Any) -> None:
    """The preview raises work_mem for its own transaction only: a worker's next job on the same connection
    runs with the server's setting again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        before = cursor.fetchone()[0]
        seen: list[str] = []
        real = impact._ranges

        def ranges(cur: Any, limit: int | None) -> Any:
            cur.execute("SHOW work_mem")
            seen.append(cur.fetchone()[0])
            return real(cur, limit)

        monkeypatch.setattr(impact, "_ranges", ranges)
        preview_impact(compile_playbook(engine_input(playbook)))
        cursor.execute("SHOW work_mem")
        after = cursor.fetchone()[0]
    assert seen == ["64MB"]
    assert after == before != "64MB"
