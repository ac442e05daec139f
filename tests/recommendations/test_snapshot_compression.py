"""The snapshot column is compressed by lz4 where the server has it (migration 0012), and pglz where not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _one(sql: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_snapshot_column_uses_lz4_exactly_when_the_server_has_it() -> None:
    has_lz4 = _one("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    method = _one(
        "SELECT attcompression FROM pg_attribute"
        " WHERE attrelid = 'recommendations_recommendation'::regclass AND attname = 'snapshot'"
    )
    assert method == ("l" if has_lz4 else "")


def test_a_stored_snapshot_reads_back_whole(organisation: Any, buyer: Any, reference: Any) -> None:
    """A large snapshot goes to TOAST compressed (by whichever method) and reads back equal."""
    from apps.questionnaire.models import Assessment
    from apps.recommendations.models import Recommendation

    assessment = Assessment.objects.create(organisation=organisation, created_by=buyer, title="T", playbook=reference)
    snapshot = {"rows": [{"code": f"q{i}", "answer": "the same words again " * 3} for i in range(3000)]}
    stored = Recommendation.objects.create(
        organisation=organisation, assessment=assessment, playbook=reference, created_by=buyer, engine_version="1",
        title="T",
        verdict="wins", fit_score=50, top_model="", function="", regimes=[], snapshot=snapshot,
    )  # fmt: skip
    size = _one(f"SELECT pg_column_size(snapshot) FROM recommendations_recommendation WHERE id = {stored.pk}")
    assert size < len(str(snapshot)) // 4  # compressed
    assert Recommendation.objects.get(pk=stored.pk).snapshot == snapshot
