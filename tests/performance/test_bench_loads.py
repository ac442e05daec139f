"""The bench's bulk loads write every column the tables require (a column added NOT NULL without a table default,
start_key and cost_note, broke both COPYs until a `make bench` found it): each load is run here at a few rows."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.models import Recommendation


@pytest.mark.django_db
def test_the_batch_preview_load_stores_its_rows_and_rolls_them_back(reference: Playbook) -> None:
    from bench.batch import stored

    before = Recommendation.objects.count()
    with stored(compiled_playbook(reference), rows=3, million=7) as loaded:
        assert Recommendation.objects.filter(title="Bench").count() == 7
        assert loaded
    assert Recommendation.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_the_scale_load_stores_its_rows(reference: Playbook) -> None:
    from bench import scale

    found = scale.load(12)
    assert found["rows"] == 12 and scale.loaded() == 12
    assert not any(found["orphans"].get(k) for k in found["orphans"] if k != "check_s"), found["orphans"]
    scale._clear()
    assert scale.loaded() == 0
