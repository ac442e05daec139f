"""What the memo and the result page printed is stored with the recommendation: the memo's practice
guidance (curated, frozen by publication) and what would flip it (in the snapshot when worked out at
submit, now in its own record after submit). Old snapshots print exactly what they printed before either
was stored."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.compliance.models import Guidance
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.playbooks.services import publish_playbook, start_draft
from apps.recommendations.insight import compute_flips
from apps.recommendations.memo import render_memo_html
from apps.recommendations.models import FlipRecord, Recommendation
from apps.recommendations.snapshot import SCHEMA_VERSION, read_snapshot
from tests.recommendations.conftest import recommend
from tests.recommendations.test_snapshot import store, v1_document

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL = "http://testserver/"


def memo_html(rec: Recommendation) -> str:
    """The memo's HTML with what differs between runs (who scored it, and when) made fixed, and apostrophes
    in one form: the footnote's label was literal template text before it was data, and Django escapes an
    apostrophe in data as ``&#x27;``, which a browser or WeasyPrint draws the same."""
    text = render_memo_html(rec, BASE_URL).replace(rec.created_by.email, "EMAIL").replace("&#x27;", "'")
    return re.sub(r"Recommendation scored .*? by ", "Recommendation scored DATE by ", text)


def recorded(name: str) -> str:
    """A memo as rendered before guidance and flips were stored (recorded from that code)."""
    return (FIXTURES / name).read_text().replace("&#x27;", "'")


def v2_document() -> dict[str, Any]:
    """A version 2 snapshot (the mid-market retailer's BOT case), as stored before guidance was data."""
    data: dict[str, Any] = json.loads((FIXTURES / "snapshot_v2.json").read_text())
    return data


def flip_sentences(page: bytes) -> list[str]:
    found = re.findall(r'<span id="flip-\d+">(.*?)</span>', page.decode(), re.S)
    return [html.unescape(re.sub(r"\s+", " ", s).strip()) for s in found]


# Old snapshots print what they printed


def test_a_version_1_snapshot_renders_the_memo_exactly_as_before(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = store(v1_document(), organisation=organisation, user=buyer, playbook=reference)
    assert memo_html(rec) == recorded("memo_v1.html")


def test_a_version_2_snapshot_renders_the_memo_exactly_as_before(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = store(v2_document(), organisation=organisation, user=buyer, playbook=reference)
    assert "Transfer option" in memo_html(rec)  # the BOT-only exit step of the time
    assert memo_html(rec) == recorded("memo_v2.html")


def test_an_old_snapshot_prints_the_old_guidance_even_after_a_curator_edits_it(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    Guidance.objects.filter(code="clause-named-locations").update(text="Edited by a curator.")
    publish_playbook(playbook=start_draft(playbook=reference))
    rec = store(v2_document(), organisation=organisation, user=buyer, playbook=reference)
    assert memo_html(rec) == recorded("memo_v2.html")


# New recommendations store the guidance their playbook froze


def test_a_new_recommendation_stores_the_guidance_that_applies_to_it(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    bot = recommend(reference, organisation, buyer, "Mid-market")
    fund = recommend(reference, organisation, buyer, "US hedge fund")
    assert bot.snapshot["schema_version"] == SCHEMA_VERSION == 4
    assert bot.record.evaluation.top is not None and bot.record.evaluation.top.pricing_basis == "setup_plus_hourly"
    assert [g.title for g in bot.record.guidance.exit][0] == "Transfer option"  # type: ignore[union-attr]
    assert "Transfer option" not in [g.title for g in fund.record.guidance.exit]  # type: ignore[union-attr]
    stored = bot.snapshot["guidance"]["clauses"][0]
    assert stored["source"]["short"] == "Curators' checklist" and stored["source"]["title"].startswith("KPO Advisor")


def test_a_curators_clause_edit_reaches_new_memos_after_publication_and_never_old_ones(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    before = recommend(reference, organisation, buyer, "US hedge fund", "Before")
    old_memo = memo_html(before)
    clause = Guidance.objects.get(code="clause-named-locations")
    clause.text = "Name every delivery site in a schedule; moving work needs ninety days' written notice."
    clause.save()

    unpublished = recommend(reference, organisation, buyer, "US hedge fund", "Before")
    assert clause.text not in memo_html(unpublished)  # buyers see catalogue edits with the next publication

    newer = publish_playbook(playbook=start_draft(playbook=reference))
    after = recommend(newer, organisation, buyer, "US hedge fund", "Before")
    assert clause.text in memo_html(after)
    assert "List the locations the work may be done from" not in memo_html(after)

    before.refresh_from_db()
    assert memo_html(before) == old_memo


def test_a_retired_clause_is_left_out_of_new_memos_only(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    before = recommend(reference, organisation, buyer, "US hedge fund")
    Guidance.objects.filter(code="clause-liability-disputes").update(retired=True)
    after = recommend(publish_playbook(playbook=start_draft(playbook=reference)), organisation, buyer, "US hedge fund")
    assert "Liability and disputes" in memo_html(before)
    assert "Liability and disputes" not in memo_html(after)


# What would flip it: stored at submit (schema 3), or beside the recommendation after it (now)


def sentences(rec: Recommendation) -> list[str]:
    compiled = compiled_playbook(rec.playbook)
    flips = compute_flips(compiled, rec.record.stored_answers).flips
    return [f.sentence(compiled.catalogue.models, compiled.wins_threshold) for f in flips]


def test_submit_does_not_wait_for_what_would_flip_and_the_first_view_stores_what_it_shows(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")  # in the test's transaction: no commit yet
    assert rec.record.flips is None and not FlipRecord.objects.filter(recommendation=rec).exists()
    page = buyer_client.get(reverse("recommendations:flips", args=[rec.pk]))
    assert page.status_code == 200
    record = FlipRecord.objects.get(recommendation=rec)
    stored = [f["sentence"] for f in record.flips]
    assert stored and stored == sentences(rec) == flip_sentences(page.content)
    assert (record.depth, record.complete) == (
        compute_flips(compiled_playbook(reference), rec.record.stored_answers).depth,
        True,
    )
    assert all(sentence in memo_html(rec) for sentence in stored[:2])


def test_after_submit_commits_a_task_works_out_what_would_flip_before_anyone_looks(
    reference: Playbook, organisation: Organisation, buyer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        rec = recommend(reference, organisation, buyer, "US hedge fund")
    record = FlipRecord.objects.get(recommendation=rec)
    assert [f["sentence"] for f in record.flips] == sentences(rec)


def test_what_would_flip_once_stored_is_shown_as_stored_and_never_changes(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    change = {"question": "annual_hours", "value": 4000}
    FlipRecord.objects.create(
        organisation=organisation,
        recommendation=rec,
        flips=[{"sentence": "If it were bigger, KPO would win.", "changes": [change]}],
        depth=1,
        complete=True,
    )
    page = buyer_client.get(reverse("recommendations:flips", args=[rec.pk]), headers={"HX-Request": "true"})
    assert flip_sentences(page.content) == ["If it were bigger, KPO would win."]
    assert 'name="annual_hours" value="4000"' in page.content.decode()
    with pytest.raises(IntegrityError, match="stored once and never changed"), transaction.atomic():
        FlipRecord.objects.filter(recommendation=rec).update(flips=[])
    assert FlipRecord.objects.get(recommendation=rec).flips[0]["sentence"] == "If it were bigger, KPO would win."


def test_the_page_and_memo_read_what_would_flip_from_the_snapshot(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    """A flip stored then is shown as stored, whatever the engine would say today."""
    document = recommend(reference, organisation, buyer, "US hedge fund").snapshot
    change = {"question": "annual_hours", "value": 4000}
    document["flips"] = [{"sentence": "If the work were twice as big, KPO would win.", "changes": [change]}]
    rec = store(document, organisation=organisation, user=buyer, playbook=reference)
    page = buyer_client.get(reverse("recommendations:flips", args=[rec.pk]), headers={"HX-Request": "true"})
    assert flip_sentences(page.content) == ["If the work were twice as big, KPO would win."]
    assert 'name="annual_hours" value="4000"' in page.content.decode()
    assert "If the work were twice as big, KPO would win." in memo_html(rec)


def test_an_old_snapshot_works_out_what_would_flip_on_first_view_and_stores_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = store(v1_document(), organisation=organisation, user=buyer, playbook=reference)
    assert rec.record.flips is None
    page = buyer_client.get(reverse("recommendations:flips", args=[rec.pk]))
    assert flip_sentences(page.content) == sentences(rec)
    assert [f["sentence"] for f in FlipRecord.objects.get(recommendation=rec).flips] == sentences(rec)


def test_a_what_if_that_is_only_shown_does_not_work_out_what_would_flip(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    from apps.recommendations.services import build_recommendation

    rec = recommend(reference, organisation, buyer, "US hedge fund")
    compiled = compiled_playbook(reference)
    from apps.playbooks.engine import evaluate

    shown = build_recommendation(
        compiled=compiled,
        evaluation=evaluate(compiled, dict(rec.record.stored_answers)),
        answers=dict(rec.record.stored_answers),
        title="what if",
        organisation_id=organisation.pk,
        playbook_id=reference.pk,
    )
    assert shown.snapshot["flips"] is None and read_snapshot(shown.snapshot).guidance is not None
