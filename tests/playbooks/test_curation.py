"""Curation in admin: versions, lint and golden pages, publishing refused with reasons, simulator,
impact preview, import and export."""

from __future__ import annotations

import html
import json
import re
import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Effect, GoldenCase, Playbook, Rule
from apps.playbooks.services import PlaybookError, export_playbook_data, publish_playbook, start_draft
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend

pytestmark = pytest.mark.django_db


def _weaken_a_golden_case(draft: Playbook) -> GoldenCase:
    """Change a weight so that the hedge fund golden case no longer picks the captive team."""
    case = draft.golden_cases.get(name__startswith="US hedge fund")
    Effect.objects.filter(rule__playbook=draft, kind="model", engagement_model__code="captive-team").update(points=0)
    return case


def test_a_failing_golden_case_blocks_publishing_with_the_reason(reference: Playbook) -> None:
    draft = start_draft(playbook=reference)
    _weaken_a_golden_case(draft)
    with pytest.raises(PlaybookError) as info:
        publish_playbook(playbook=draft)
    assert any("Golden case failed: “US hedge fund" in m and "top model is" in m for m in info.value.messages)
    draft.refresh_from_db()
    assert draft.is_draft and draft.version is None


def test_the_admin_publish_action_shows_the_refusal(reference: Playbook, curator_client: Client) -> None:
    draft = start_draft(playbook=reference)
    _weaken_a_golden_case(draft)
    url = reverse("admin:playbooks_playbook_changelist")
    response = curator_client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    said = html.unescape(response.content.decode())
    # Said once, counted, with the way to them all (review 154: one red line per failing case).
    assert re.search(rf"Not published: {re.escape(str(draft))}: \d+ of \d+ golden cases fail", said)
    assert "Golden case “" in said and reverse("admin:playbooks_playbook_golden", args=[draft.pk]) in said
    page = curator_client.get(reverse("admin:playbooks_playbook_golden", args=[draft.pk])).content.decode()
    assert "<strong>Fail</strong>" in page and "top model is" in page


def test_publishing_with_a_blocker_switched_off_says_so(reference: Playbook, curator_client: Client) -> None:
    # Review 126: a legal blocker switched off passed lint, the golden cases and publishing without a word.
    draft = start_draft(playbook=reference)
    Rule.objects.filter(playbook=draft, code="no-licensed-signatory-blocks").update(enabled=False)
    draft.golden_cases.filter(name__startswith="Nobody onshore licensed").delete()  # the case that would refuse it
    url = reverse("admin:playbooks_playbook_changelist")
    page = html.unescape(
        curator_client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True).content.decode()
    )
    assert "Published KPO fit assessment" in page
    assert "rule no-licensed-signatory-blocks: it is switched off, and it blocks KPO when it fires" in page
    assert "its impact preview shows whom" in page and "before publishing" not in page  # said after the fact
    # The published version's lint page says so too (review 132: "every rule can fire").
    lint_page = html.unescape(
        curator_client.get(reverse("admin:playbooks_playbook_lint", args=[draft.pk])).content.decode()
    )
    assert "it is switched off, and it blocks KPO when it fires" in lint_page


def test_a_golden_case_fails_when_the_licensed_signatory_blocker_is_switched_off(reference: Playbook) -> None:
    # Review 128: no golden case answered that nobody onshore holds the licence, so the blocker could go unnoticed.
    draft = start_draft(playbook=reference)
    Rule.objects.filter(playbook=draft, code="no-licensed-signatory-blocks").update(enabled=False)
    with pytest.raises(PlaybookError) as info:
        publish_playbook(playbook=draft)
    assert any("Golden case failed: “Nobody onshore licensed" in m for m in info.value.messages)


def test_the_lint_page_warns_of_a_blocker_or_gate_switched_off(reference: Playbook, curator_client: Client) -> None:
    draft = start_draft(playbook=reference)
    lint_page = reverse("admin:playbooks_playbook_lint", args=[draft.pk])
    assert "switched off" not in curator_client.get(lint_page).content.decode()
    gate = Rule.objects.filter(playbook=draft, effects__kind="gate").exclude(effects__kind="blocker").first()
    assert gate is not None
    Rule.objects.filter(pk=gate.pk).update(enabled=False)
    Rule.objects.filter(playbook=draft, code="no-licensed-signatory-blocks").update(enabled=False)
    page = html.unescape(curator_client.get(lint_page).content.decode())
    assert "it is switched off, and it blocks KPO when it fires" in page
    assert "it is switched off, and it holds the verdict at a gate when it fires" in page
    # A rule of points alone switched off is no such warning.
    points = Rule.objects.filter(playbook=draft).exclude(effects__kind__in=("gate", "blocker")).first()
    assert points is not None
    Rule.objects.filter(pk=points.pk).update(enabled=False)
    assert html.unescape(curator_client.get(lint_page).content.decode()).count("it is switched off") == 2


def test_lint_errors_block_publishing(reference: Playbook) -> None:
    draft = start_draft(playbook=reference)
    Rule.objects.filter(playbook=draft).first().effects.all().delete()  # type: ignore[union-attr]
    with pytest.raises(PlaybookError) as info:
        publish_playbook(playbook=draft)
    assert any("Lint: rule" in m and "no effects" in m for m in info.value.messages)


def test_lint_page_links_each_finding_to_its_object(reference: Playbook, curator_client: Client) -> None:
    draft = start_draft(playbook=reference)
    rule = Rule.objects.filter(playbook=draft).first()
    assert rule is not None
    rule.effects.all().delete()
    body = curator_client.get(reverse("admin:playbooks_playbook_lint", args=[draft.pk])).content.decode()
    assert "1 error" in body and "no effects" in body
    assert reverse("admin:playbooks_rule_change", args=[rule.pk]) in body


def test_publishing_and_retiring_through_admin(reference: Playbook, curator_client: Client) -> None:
    changelist = reverse("admin:playbooks_playbook_changelist")
    curator_client.post(changelist, {"action": "start_new_draft", "_selected_action": [reference.pk]})
    draft = Playbook.objects.get(status="draft")
    assert draft.based_on == reference
    curator_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert (draft.status, draft.version) == ("published", 2)
    retired = curator_client.post(changelist, {"action": "retire", "_selected_action": [reference.pk]}, follow=True)
    reference.refresh_from_db()
    assert reference.status == "retired"
    assert Playbook.objects.current() == draft
    # Named as it is now (review 100: "Retired … (v1, published)").
    assert f"Retired {reference.title} (v1, retired)." in html.unescape(retired.content.decode())


def test_published_playbooks_are_read_only_in_admin(reference: Playbook, curator_client: Client) -> None:
    url = reverse("admin:playbooks_playbook_change", args=[reference.pk])
    response = curator_client.post(url, {"title": "Changed", "wins_threshold": 10, "conditional_threshold": 5})
    assert response.status_code == 403
    rule = Rule.objects.filter(playbook=reference).first()
    assert rule is not None
    assert curator_client.post(reverse("admin:playbooks_rule_change", args=[rule.pk]), {"name": "x"}).status_code == 403
    reference.refresh_from_db()
    assert reference.title != "Changed"


@pytest.mark.django_db(transaction=True)
def test_two_curators_publishing_at_once_get_distinct_versions(reference: Playbook) -> None:
    drafts = [start_draft(playbook=reference), start_draft(playbook=reference)]
    barrier = threading.Barrier(2)
    versions: list[Any] = []

    def go(draft: Playbook) -> None:
        try:
            barrier.wait()
            versions.append(publish_playbook(playbook=draft).version)
        except Exception as exc:  # pragma: no cover - reported by the assertion
            versions.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=go, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(versions) == [2, 3]


def test_simulator_evaluates_a_draft_and_stores_nothing(reference: Playbook, curator_client: Client) -> None:
    draft = start_draft(playbook=reference)
    case = draft.golden_cases.get(name__startswith="US hedge fund")
    url = reverse("admin:playbooks_playbook_simulate", args=[draft.pk])
    assert curator_client.get(url).status_code == 200
    before = (Recommendation.objects.count(), Assessment.objects.count(), Playbook.objects.count())
    body = curator_client.post(url, {"answers_json": json.dumps(case.answers)}).content.decode()
    assert "Result: KPO wins" in body
    assert "Dedicated team at the provider" in body and "Contribution chain" in body
    assert (Recommendation.objects.count(), Assessment.objects.count(), Playbook.objects.count()) == before
    bad = curator_client.post(url, {"answers_json": "{nope"})
    assert bad.status_code == 400 and "not valid JSON" in bad.content.decode()
    # Nothing answered is no result (review 61: "Result: KPO wins, on conditions (fit 50)" for no answers at all).
    empty = curator_client.post(url, {"answers_json": "{}"}).content.decode()
    assert "No result yet:" in empty and "required answers missing" in empty and "Result: KPO" not in empty


def test_impact_preview_counts_the_recommendations_a_draft_would_change(
    reference: Playbook, curator_client: Client, organisation: Organisation, buyer: User
) -> None:
    case = reference.golden_cases.get(name__startswith="US hedge fund")
    for i in range(3):
        a = Assessment.objects.create(
            organisation=organisation, created_by=buyer, title=f"Fund {i}", playbook=reference
        )
        Answer.objects.bulk_create(
            Answer(organisation_id=a.organisation_id, assessment=a, question_code=c, value=v)
            for c, v in case.answers.items()
        )
        submit_and_recommend(assessment=a, user=buyer)
    draft = start_draft(playbook=reference)
    _weaken_a_golden_case(draft)
    body = curator_client.get(reverse("admin:recommendations_recommendation_impact", args=[draft.pk])).content.decode()
    assert "Recommendations re-scored</th><td>3<" in body
    assert "Top engagement model would change</th><td>3<" in body
    assert "Dedicated team at the provider → <strong>" in body  # names, not codes
    assert "captive-team" not in body
    assert "<td>KPO wins</td>" in body or "KPO wins →" in body  # the verdict label, not "wins"


def test_export_download_and_import_upload_round_trip(reference: Playbook, curator_client: Client) -> None:
    response = curator_client.get(reverse("admin:playbooks_playbook_export", args=[reference.pk]))
    assert response["Content-Disposition"].endswith('.json"')
    upload = SimpleUploadedFile("playbook.json", response.content, content_type="application/json")
    response = curator_client.post(reverse("admin:playbooks_playbook_import"), {"file": upload})
    draft = Playbook.objects.get(status="draft")
    assert response.status_code == 302
    assert export_playbook_data(draft) == export_playbook_data(reference)


def test_import_upload_refuses_a_bad_file_with_every_problem(reference: Playbook, curator_client: Client) -> None:
    data = export_playbook_data(reference)
    data["rules"][0]["effects"] = []
    data["sections"][0]["questions"][0]["kind"] = "essay"
    upload = SimpleUploadedFile("bad.json", json.dumps(data).encode())
    response = curator_client.post(reverse("admin:playbooks_playbook_import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "nothing was written" in body and "unknown kind" in body and "has no effects" in body
    assert not Playbook.objects.filter(status="draft").exists()
    junk = curator_client.post(
        reverse("admin:playbooks_playbook_import"), {"file": SimpleUploadedFile("x.json", b"\xff\xfe")}
    )
    assert junk.status_code == 400 and "not readable JSON" in junk.content.decode()


@pytest.mark.parametrize("name", ["lint", "golden", "simulate", "export"])
def test_curation_pages_are_for_staff_only(reference: Playbook, buyer_client: Client, name: str) -> None:
    response = buyer_client.get(reverse(f"admin:playbooks_playbook_{name}", args=[reference.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", ["admin:playbooks_playbook_import", "admin:playbooks_catalogue_import"])
@pytest.mark.parametrize("content", [b"9" * 5000, b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe", b"{"])
def test_unreadable_uploads_are_refused_cleanly(
    reference: Playbook, curator_client: Client, name: str, content: bytes
) -> None:
    before = Playbook.objects.count()
    response = curator_client.post(reverse(name), {"file": SimpleUploadedFile("x.json", content)})
    assert response.status_code == 400
    assert "not readable JSON" in response.content.decode() or "not a KPO Advisor" in response.content.decode()
    assert Playbook.objects.count() == before


def test_simulator_shows_how_far_each_fired_rules_weight_can_move(reference: Playbook, curator_client: Client) -> None:
    case = reference.golden_cases.get(name__startswith="US hedge fund")
    url = reverse("admin:playbooks_playbook_simulate", args=[reference.pk])
    response = curator_client.post(url, {"answers_json": json.dumps(case.answers)})
    body = response.content.decode()
    assert "How far each rule weight can move" in body
    weights = response.context["weights"]
    assert weights and all(link and "/admin/playbooks/rule/" in link for _w, link in weights)
    margins = [w.margin for w, _ in weights if w.margin is not None]
    assert margins == sorted(margins)
    assert any(w.kind == "model" and w.below.endswith("would rank first") for w, _ in weights)
    assert any(w.kind == "fit" for w, _ in weights)


def test_the_simulators_multiple_choices_are_grouped_under_their_question(
    reference: Playbook, curator_client: Client
) -> None:
    # Review 56: each multiple choice's question was a <label for=""> that named none of its boxes (Nu, 12 errors).
    page = curator_client.get(reverse("admin:playbooks_playbook_simulate", args=[reference.pk])).content.decode()
    assert 'for=""' not in page
    data = next(q for q in reference.questions.all() if q.code == "data_categories")
    assert f"<fieldset><legend>{data.prompt} (data_categories)</legend>" in page.replace("&#x27;", "'")
