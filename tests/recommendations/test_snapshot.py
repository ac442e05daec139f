"""The stored recommendation as a contract: one writer, one reader for every stored version, and old
recommendations that read, render and export exactly as they did."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.types import ROLES
from apps.playbooks.lint import lint
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation
from apps.recommendations.snapshot import SCHEMA_VERSION, SnapshotError, read_snapshot
from apps.recommendations.snapshot.types import PhaseObligations, Snapshot
from apps.vendors.matching import needs_from_snapshot
from tests.playbook_data import small_playbook
from tests.recommendations.conftest import recommend

FIXTURES = Path(__file__).parent / "fixtures"


def v1_document() -> dict[str, Any]:
    """A snapshot as stored before the shape was versioned (the EU asset manager golden case)."""
    data: dict[str, Any] = json.loads((FIXTURES / "snapshot_v1.json").read_text())
    return data


def store(document: dict[str, Any], *, organisation: Organisation, user: User, playbook: Playbook) -> Recommendation:
    """``document`` stored as a submitted assessment's recommendation, its columns read from it."""
    record = read_snapshot(document)
    assessment = Assessment.objects.create(
        organisation=organisation,
        created_by=user,
        title=record.title,
        playbook=playbook,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    return Recommendation.objects.create(
        organisation=organisation,
        assessment=assessment,
        playbook=playbook,
        engine_version=record.engine_version,
        created_by=user,
        title=record.title,
        verdict=record.evaluation.verdict,
        fit_score=record.evaluation.fit_score,
        top_model=record.evaluation.top_model or "",
        function=record.function.code,
        regimes=[r.code for r in record.evaluation.regimes],
        snapshot=document,
    )


def main_section(page: str, rec: Recommendation) -> str:
    """The page's <main>, with what differs between runs (ids, the CSRF token, the scoring time) made fixed."""
    found = re.search(r'<main id="main".*?</main>', page, re.S)
    assert found is not None
    main = found.group(0)
    main = main.replace(f"/recommendations/{rec.pk}/", "/recommendations/REC/")
    main = main.replace(f"/vendors/match/{rec.pk}/", "/vendors/match/REC/")
    main = main.replace(f"/assessments/{rec.assessment_id}/", "/assessments/ASSESSMENT/")
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="CSRF"', main)
    # Every form's field saying which organisation it was drawn in came later: how a form is sent, as its token is.
    main = re.sub(r'<input type="hidden" name="drawn_in" value="\d+">', "", main)
    # The page's list of its own sections came later, for every recommendation: navigation, not what it says.
    main = re.sub(r'<nav class="page-contents no-print" aria-label="On this page">.*?</nav>\n', "", main, flags=re.S)
    return re.sub(r"Scored [^<]*? by ", "Scored DATE by ", main)


# Reading each stored version


def test_a_version_1_snapshot_reads_into_the_current_types() -> None:
    record = read_snapshot(v1_document())
    assert isinstance(record, Snapshot) and record.schema_version == 1
    ev = record.evaluation
    assert (ev.verdict, ev.fit_score, ev.top.code if ev.top else None) == ("wins", 80, ev.top_model)
    assert record.playbook.version == 1 and record.thresholds.wins == 65
    assert record.function.code == "equity-research" and record.function.sources[0].url.startswith("https://")
    gdpr = next(r for r in ev.regimes if r.code == "gdpr")
    assert isinstance(gdpr.obligations[0], PhaseObligations)
    assert gdpr.obligations_in("in_contract") and all(
        o.phase == "in_contract" for o in gdpr.obligations_in("in_contract")
    )
    # Version 1 recorded no inputs by role: they come from the answers it kept, as its readers found them.
    assert record.inputs.buyer_location == ev.answers["buyer_location"] == "eu"
    assert record.inputs.overlap_hours == ev.answers.get("overlap_hours")
    assert record.inputs.function == "equity-research"
    # ... nor a provider rate per priced model: it is the model's per-hour cost input.
    top_cost = ev.cost.top
    assert top_cost is not None and top_cost.hourly_rate == "$15–$35 (likely $25)/h"


def test_a_current_snapshot_is_written_and_read_with_inputs_by_role(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = recommend(reference, organisation, buyer, "New York company: FP&A")
    assert rec.snapshot["schema_version"] == SCHEMA_VERSION == 4
    record = Recommendation.objects.get(pk=rec.pk).record
    assert record.schema_version == 4
    assert record.inputs.buyer_location == "us" and record.inputs.overlap_hours == 6
    assert record.inputs.function == rec.function == record.function.code
    # The columns the history filters on are the snapshot's own figures.
    ev = record.evaluation
    assert (rec.verdict, rec.fit_score, rec.top_model) == (ev.verdict, ev.fit_score, ev.top_model or "")
    assert rec.regimes == [r.code for r in ev.regimes]


@pytest.mark.parametrize(
    "document",
    [
        {},
        [],
        {"schema_version": 3, "evaluation": {}},
        {"schema_version": "2", "evaluation": {}},
        {"schema_version": 2, "evaluation": {"verdict": "wins"}},
    ],
)
def test_what_is_not_a_known_snapshot_is_refused_with_a_clear_error(document: Any) -> None:
    with pytest.raises(SnapshotError):
        read_snapshot(document)


# Old recommendations render and export as before


def test_a_recommendation_stored_before_the_contract_renders_and_exports_exactly_as_it_did(
    playbook: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = store(v1_document(), organisation=organisation, user=buyer, playbook=playbook)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert main_section(page, rec) == (FIXTURES / "snapshot_v1_main.html").read_text()
    exported = json.loads(buyer_client.get(reverse("recommendations:export_json", args=[rec.pk])).content)
    expected = json.loads((FIXTURES / "snapshot_v1_export.json").read_text())
    assert exported == {**expected, "id": rec.pk}
    assert "schema_version" not in exported  # its shape is version 1, as docs/exports.md says


def test_the_json_export_states_its_schema_version(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    exported = json.loads(buyer_client.get(reverse("recommendations:export_json", args=[rec.pk])).content)
    assert exported["schema_version"] == SCHEMA_VERSION and exported["id"] == rec.pk
    assert exported["inputs"]["function"] == rec.function


# Consumers ask for meanings, not codes


def with_top_model(document: dict[str, Any], *, code: str, basis: str) -> Snapshot:
    top = document["evaluation"]["models"][0]
    top.update(code=code, pricing_basis=basis)
    return read_snapshot(document)


def test_the_memo_offers_a_transfer_option_by_pricing_basis_not_by_model_code() -> None:
    renamed_bot = with_top_model(v1_document(), code="own-centre", basis="setup_plus_hourly")
    assert renamed_bot.guidance is not None and renamed_bot.guidance.exit[0].title == "Transfer option"
    team_coded_bot = with_top_model(v1_document(), code="bot", basis="monthly_team")
    assert team_coded_bot.guidance is not None
    assert "Transfer option" not in [step.title for step in team_coded_bot.guidance.exit]


def test_the_pilot_cost_threshold_quotes_the_providers_rate_whatever_its_label() -> None:
    document = v1_document()
    for item in document["evaluation"]["cost"]["models"][0]["inputs"]:
        item["label"] = item["label"].replace("hourly rate", "price per hour")
    guidance = read_snapshot(document).guidance
    assert guidance is not None
    cost = next(t for t in guidance.pilot.thresholds if t.measure == "Cost")
    assert "at $15–$35 (likely $25)/h" in cost.scale_if


def test_vendor_needs_follow_the_role_when_a_curator_renames_the_question(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = recommend(reference, organisation, buyer, "New York company: FP&A")
    document = dict(rec.snapshot)
    # The same recommendation made on a playbook whose overlap question has another code.
    document["evaluation"] = {**document["evaluation"], "answers": {"live_hours": 6, "buyer_location": "us"}}
    needs = needs_from_snapshot(read_snapshot(document))
    assert "overlap" in needs.codes and needs.overlap_hours == 6


def test_lint_warns_when_a_consumers_role_is_missing() -> None:
    data = small_playbook()
    messages = [f.message for f in lint(data)]
    for role in ("overlap_hours", "vendor_assurance", "buyer_location"):
        assert role in ROLES
        assert any(f"no question has the '{role}' role" in m for m in messages), role


def test_the_reference_playbook_gives_every_consumer_role_a_question(reference: Playbook) -> None:
    roles = {q.role for q in reference.questions.all()}
    assert {"overlap_hours", "vendor_assurance", "buyer_location"} <= roles


def test_the_result_page_lists_its_sections_and_each_link_has_its_heading(
    playbook: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = store(v1_document(), organisation=organisation, user=buyer, playbook=playbook)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    nav = re.search(r'<nav class="page-contents no-print" aria-label="On this page">(.*?)</nav>', page, re.S)
    assert nav is not None
    targets = re.findall(r'href="#([\w-]+)"', nav.group(1))
    assert {"why", "models", "cost", "obligations", "risks", "locations", "answers"} <= set(targets)
    for target in targets:
        assert re.search(rf'<h2[^>]* id="{target}"', page), target


def test_a_stored_recommendation_is_parsed_once_per_process_and_its_parse_is_the_same(
    reference: Playbook, organisation: Organisation, buyer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The result page and each what-if read a stored recommendation's snapshot: parsed once (``PARSED``), the
    same record as a fresh parse, and an unsaved one (a what-if's result) is never kept."""
    from apps.recommendations import models as rec_models
    from apps.recommendations.snapshot import read as reading

    rec_models.PARSED.clear()
    stored = recommend(reference, organisation, buyer, "EU asset manager")
    first = Recommendation.objects.get(pk=stored.pk).record
    again = Recommendation.objects.get(pk=stored.pk).record
    assert again is first and first == read_snapshot(Recommendation.objects.get(pk=stored.pk).snapshot)
    unsaved = Recommendation(snapshot=stored.snapshot, organisation_id=organisation.pk)
    assert unsaved.record is not first and unsaved.record == first
    # The least recently used goes first once more are kept than the size.
    small = rec_models.ParsedSnapshots(2)
    for key in ("a", "b", "a", "c"):
        small.get((key,), lambda key=key: key)  # type: ignore[misc]
    assert list(small._kept) == [("a",), ("c",)]
    # The instance filled in one step (``_make``'s plan) is the one the constructor makes, field for field.
    plan = reading._plan.__wrapped__  # type: ignore[attr-defined]  # functools.cache keeps the function
    direct = read_snapshot(stored.snapshot)
    monkeypatch.setattr(reading, "_plan", lambda cls: replace(plan(cls), direct=False))  # type: ignore[attr-defined]
    built = read_snapshot(stored.snapshot)
    assert direct == built and repr(direct) == repr(built)


def test_the_snapshot_field_reads_what_it_writes_and_writes_nothing_orjson_would_read_otherwise() -> None:
    """Read by orjson as it is written by orjson: an integer past 64 bits, which orjson would read back as a
    float, is refused on the way in; text orjson refuses is read as any ``JSONField`` reads it."""
    from apps.common.json import FastJSONField

    field = FastJSONField()
    assert field.from_db_value('{"a": [1, 2.5, "é", null]}', None, None) == {"a": [1, 2.5, "é", None]}
    assert field.from_db_value("NaN", None, None) != field.from_db_value("NaN", None, None)  # json.loads' NaN
    assert field.from_db_value(None, None, None) is None
    with pytest.raises(TypeError):
        field.get_db_prep_value({"n": 10**30}, connection=None).dumps({"n": 10**30})
