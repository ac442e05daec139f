"""Submit and what-if parse the snapshot they write once: the writer reads it to choose the memo's guidance,
and hands that typed form on, instead of the caller parsing the same document again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.snapshot import read, read_snapshot
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every parse of a snapshot document, wherever ``read_snapshot`` was imported to."""
    calls: list[int] = []
    parse = read._snapshot

    def counted(doc: Any) -> Any:
        calls.append(1)
        return parse(doc)

    monkeypatch.setattr(read, "_snapshot", counted)
    return calls


def test_submit_parses_its_snapshot_once_and_stores_what_the_reader_reads(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    parses = _counting_parses(monkeypatch)

    response = buyer_client.post(reverse("recommendations:submit", args=[assessment.pk]))

    assert response.status_code == 302
    assert len(parses) == 1
    stored = Recommendation.objects.get(assessment=assessment)
    record = read_snapshot(stored.snapshot)
    assert record.guidance is not None and record.guidance.clauses
    assert (stored.verdict, stored.fit_score, stored.top_model) == (
        record.evaluation.verdict,
        record.evaluation.fit_score,
        record.evaluation.top_model or "",
    )


def test_the_typed_snapshot_handed_on_is_the_one_the_reader_reads_from_the_document(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    from apps.playbooks.engine import evaluate
    from apps.playbooks.runtime import compiled_playbook, frozen_guidance
    from apps.recommendations.snapshot import written_snapshot

    compiled = compiled_playbook(reference)
    for case in reference.golden_cases.all()[:6]:
        document, record = written_snapshot(
            compiled,
            evaluate(compiled, case.answers),
            case.answers,
            title=case.name,
            guidance=frozen_guidance(reference.pk),
            flips=None,
        )
        assert record == read_snapshot(document), case.name
