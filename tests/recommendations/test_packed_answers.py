"""Submit stores a recommendation's answers packed beside it; ``pack_answers`` packs those stored before; the
impact preview gives the same result from packed answers as from the snapshots' answers."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import compile_playbook
from apps.playbooks.engine.packed import layout
from apps.playbooks.engine.types import SINGLE
from apps.playbooks.models import Effect, Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.playbooks.services import start_draft
from apps.recommendations.impact import engine_input, preview_impact
from apps.recommendations.models import PackedAnswers
from tests.security.conftest import _recommended

pytestmark = pytest.mark.django_db


def test_submit_packs_the_answers_the_snapshot_holds(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    recommendation = _recommended(organisation, buyer, playbook, "One")
    packed = PackedAnswers.objects.get(recommendation=recommendation)
    found = layout(compiled_playbook(playbook))
    assert packed.layout == found.digest
    assert found.unpack(bytes(packed.data)) == dict(recommendation.record.stored_answers)


def test_the_preview_is_the_same_from_packed_answers_as_from_the_snapshots(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    for title in ("One", "Two", "Three"):
        _recommended(organisation, buyer, playbook, title)
    draft = start_draft(playbook=playbook)
    Effect.objects.filter(rule__playbook=draft, kind="fit").update(points=-100)
    compiled = compile_playbook(engine_input(draft))
    packed = preview_impact(compiled)
    assert packed.scored == 3 and packed.changed > 0

    PackedAnswers.objects.all().delete()
    from_snapshots = preview_impact(compiled)
    assert (from_snapshots.scored, from_snapshots.changed, from_snapshots.verdict_changes) == (
        packed.scored,
        packed.changed,
        packed.verdict_changes,
    )
    assert from_snapshots.examples == packed.examples

    call_command("pack_answers")
    assert PackedAnswers.objects.count() == 3
    call_command("pack_answers")  # again: nothing left to pack, nothing doubled
    assert PackedAnswers.objects.count() == 3
    assert preview_impact(compiled).examples == packed.examples


def test_answers_packed_by_another_layout_are_read_from_the_snapshot(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    _recommended(organisation, buyer, playbook, "One")
    compiled = compile_playbook(engine_input(start_draft(playbook=playbook)))
    expected = preview_impact(compiled)
    PackedAnswers.objects.update(layout="0" * 16, data=b"\x00")  # bytes no current layout can read
    got = preview_impact(compiled)
    assert (got.scored, got.changed, got.examples) == (expected.scored, expected.changed, expected.examples)


def test_a_packed_value_no_field_can_hold_is_read_from_the_snapshot(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    _recommended(organisation, buyer, playbook, "One")
    compiled = compile_playbook(engine_input(start_draft(playbook=playbook)))
    expected = preview_impact(compiled)
    row = PackedAnswers.objects.get()
    found = layout(compiled)
    choice = next(f for f in found.fields if f.kind == SINGLE)
    data, fields = bytearray(row.data), found.dtype.fields
    assert fields is not None
    data[fields[choice.question][1]] = 0x7F  # an option index past the field's options
    PackedAnswers.objects.update(data=bytes(data))
    got = preview_impact(compiled)
    assert (got.scored, got.changed, got.examples) == (expected.scored, expected.changed, expected.examples)


def test_against_the_published_version_a_chunks_snapshots_are_read_once(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    """The draft and the published version score the same chunk: the answers of recommendations without packed
    answers are read from their snapshots once for both, not once per scorer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for title in ("One", "Two"):
        _recommended(organisation, buyer, playbook, title)
    PackedAnswers.objects.all().delete()
    draft = compile_playbook(engine_input(start_draft(playbook=playbook)))
    with CaptureQueriesContext(connection) as queries:
        impact = preview_impact(draft, baseline=compiled_playbook(playbook), baseline_version=playbook.version)
    assert impact.scored == 2 and impact.changed == 0
    assert len([q for q in queries if "'stored_answers'" in q["sql"]]) == 1
