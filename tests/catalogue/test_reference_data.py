"""The reference loader is idempotent and never overwrites what a curator edited.

The ``reference`` fixture holds the rows a first load writes, so only the tests of a first load run it."""

from __future__ import annotations

import importlib
import json
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from apps.common.models import _plain, digest
from apps.compliance import reference as compliance_reference
from apps.compliance.models import Obligation, Regime
from apps.engagements import reference as engagements_reference
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction
from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_reference_catalogue_meets_the_minimums(reference: Playbook) -> None:
    assert EngagementModel.objects.filter(is_kpo=True).count() >= 6
    assert EngagementModel.objects.filter(code="bpo", is_kpo=False).exists()
    for code in ("captive-team", "project", "shared-pool", "bot", "staff-augmentation", "managed-services"):
        assert EngagementModel.objects.filter(code=code).exists(), code
    assert KnowledgeFunction.objects.count() >= 9
    assert DeliveryLocation.objects.count() >= 10
    for code in (
        "hipaa", "gdpr", "uk-gdpr", "dpdp", "mifid2", "reg-ac", "ccpa", "glba", "irc-7216", "aba-08-451", "soc2",
        "iso27001",
    ):  # fmt: skip
        regime = Regime.objects.get(code=code)
        assert regime.obligations.exists(), f"{code} has no obligations"
    assert all(o.citation for o in Obligation.objects.all())


def test_every_entry_names_a_source(reference: Playbook) -> None:
    for model in (EngagementModel, KnowledgeFunction, DeliveryLocation, Regime):
        for entry in model.objects.all():
            assert entry.sources, f"{model.__name__} {entry.code} has no source"


def test_the_captive_team_carries_the_articles_figures(reference: Playbook) -> None:
    captive = EngagementModel.objects.get(code="captive-team")
    assert (captive.rate_low, captive.rate_high, captive.commitment_hours) == (Decimal(30), Decimal(60), 2000)


def test_loading_twice_changes_nothing() -> None:
    first = load()
    counts = {m: m.objects.count() for m in (EngagementModel, KnowledgeFunction, DeliveryLocation, Regime, Obligation)}
    second = load()
    assert "0 created, 0 updated" in second
    assert "created" in first and " 0 created" not in first.splitlines()[0]
    assert counts == {m: m.objects.count() for m in counts}


def test_a_curator_edit_is_kept_and_reported(reference: Playbook) -> None:
    captive = EngagementModel.objects.get(code="captive-team")
    captive.rate_high = Decimal("75.00")
    captive.save()
    report = load()
    captive.refresh_from_db()
    assert captive.rate_high == Decimal("75.00")
    assert "captive-team: differs from the reference data in rate_high; left as edited" in report


def test_unedited_entries_take_new_reference_values(
    reference: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "reference"
    shutil.copytree(engagements_reference.DATA_DIR, data_dir)
    path = data_dir / "knowledge_functions.json"
    data = json.loads(path.read_text())
    first = data["items"][0]
    first["summary"] = "A revised summary from the next reference release."
    path.write_text(json.dumps(data))
    monkeypatch.setattr(engagements_reference, "DATA_DIR", data_dir)
    report = load()
    assert KnowledgeFunction.objects.get(code=first["code"]).summary == first["summary"]
    assert "Knowledge functions: 0 created, 1 updated" in report


def test_a_location_loaded_before_its_in_text_name_takes_it_on_the_next_load(reference: Playbook) -> None:
    # As a release before the field stored it: blank, with the digest of the reference fields of the time.
    migration = importlib.import_module("apps.engagements.migrations.0004_delivery_location_name_in_text")
    row = DeliveryLocation.objects.get(code="philippines")
    then = digest({f: _plain(getattr(row, f)) for f in migration.REFERENCE_FIELDS_BEFORE})
    DeliveryLocation.objects.filter(pk=row.pk).update(name_in_text="", reference_digest=then)
    migration.redigest_unedited_rows(django_apps, None)  # the migration: still recognised as unedited
    uk_status.redigest_unedited(django_apps, None)  # and the next one, which adds the UK transfer status
    night.redigest_unedited(django_apps, None)  # and the night premium's
    report = load()
    assert DeliveryLocation.objects.get(code="philippines").in_text == "the Philippines"
    assert "Delivery locations: 0 created, 1 updated" in report and "left as edited" not in report


uk_status = importlib.import_module("apps.engagements.migrations.0005_delivery_location_uk_transfer")
night = importlib.import_module("apps.engagements.migrations.0008_night_premium")


def test_a_location_loaded_before_its_uk_transfer_status_takes_it_on_the_next_load(reference: Playbook) -> None:
    row = DeliveryLocation.objects.get(code="poland")
    then = digest({f: _plain(getattr(row, f)) for f in uk_status.REFERENCE_FIELDS_BEFORE})
    DeliveryLocation.objects.filter(pk=row.pk).update(uk_transfer="", reference_digest=then)
    uk_status.redigest_unedited(django_apps, None)
    night.redigest_unedited(django_apps, None)
    report = load()
    assert DeliveryLocation.objects.get(code="poland").uk_transfer == "adequate"
    assert "Delivery locations: 0 created, 1 updated" in report and "left as edited" not in report


def test_a_location_loaded_before_its_night_premium_takes_it_on_the_next_load(reference: Playbook) -> None:
    # As the release before the fields: blank, with the digest of the reference fields of the time.
    row = DeliveryLocation.objects.get(code="philippines")
    blank = {"night_premium": None, "night_from_hour": None, "night_to_hour": None}
    DeliveryLocation.objects.filter(pk=row.pk).update(**blank)
    row.refresh_from_db()
    then = digest({f: _plain(getattr(row, f)) for f in night.REFERENCE_FIELDS_BEFORE})
    DeliveryLocation.objects.filter(pk=row.pk).update(reference_digest=then)
    night.redigest_unedited(django_apps, None)
    report = load()
    row.refresh_from_db()
    assert (float(row.night_premium), row.night_from_hour, row.night_to_hour) == (0.1, 22, 6)
    assert "Delivery locations: 0 created, 1 updated" in report and "left as edited" not in report


def test_a_location_a_curator_edited_keeps_its_edit_when_the_uk_status_arrives(reference: Playbook) -> None:
    row = DeliveryLocation.objects.get(code="poland")
    then = digest({f: _plain(getattr(row, f)) for f in uk_status.REFERENCE_FIELDS_BEFORE})
    DeliveryLocation.objects.filter(pk=row.pk).update(uk_transfer="", reference_digest=then, strengths="Edited.")
    uk_status.redigest_unedited(django_apps, None)
    report = load()
    assert DeliveryLocation.objects.get(code="poland").strengths == "Edited."
    assert "left as edited" in report


def test_invalid_reference_data_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "reference"
    shutil.copytree(engagements_reference.DATA_DIR, data_dir)
    path = data_dir / "delivery_locations.json"
    data = json.loads(path.read_text())
    data["items"][-1]["overlap_uk_hours"] = "lots"
    path.write_text(json.dumps(data))
    monkeypatch.setattr(engagements_reference, "DATA_DIR", data_dir)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nothing was written"):
        load()
    assert not EngagementModel.objects.exists()
    assert not DeliveryLocation.objects.exists()


def test_dry_run_writes_nothing() -> None:
    out = StringIO()
    call_command("load_reference_data", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Regime.objects.exists()


def _newer_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The next release's reference playbook: the shipped one with a new title."""
    from apps.playbooks import reference as playbook_reference

    data = json.loads(playbook_reference.DATA_FILE.read_text())
    data["playbook"]["title"] = "Reference playbook, next release"
    path = tmp_path / "playbook.json"
    path.write_text(json.dumps(data))
    monkeypatch.setattr(playbook_reference, "DATA_FILE", path)
    return data["playbook"]["title"]


def test_a_newer_reference_is_published_over_an_earlier_one_nobody_worked_on(
    reference: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    title = _newer_reference(tmp_path, monkeypatch)
    report = load()
    current = Playbook.objects.current()
    assert current is not None and current.title == title
    assert current.version == reference.version + 1
    assert "Reference playbook: 0 created, 1 updated" in report
    reference.refresh_from_db()
    assert reference.status == Playbook.Status.PUBLISHED  # assessments begun on it keep it
    assert "0 created, 0 updated" in load()  # and once is enough


def test_a_release_that_changes_only_a_cost_assumption_publishes_the_reference_again(
    reference: Playbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cost assumptions are frozen into the reference playbook when it is published, so a newer figure in
    ``cost_assumptions.json`` alone reaches buyers only through a new version: one, and once."""
    from apps.engagements import reference as engagements_reference
    from apps.playbooks import definition
    from apps.playbooks import reference as playbook_reference

    shipped = engagements_reference.cost_assumptions()
    newer = {**shipped, "pay_brought_to": "2027-06"}
    for module in (playbook_reference, definition):
        monkeypatch.setattr(module, "cost_assumptions", lambda: newer)
    assert "Reference playbook: 0 created, 1 updated" in load()
    current = Playbook.objects.current()
    assert current is not None and current.version == reference.version + 1
    assert current.definition["catalogue"]["cost_assumptions"]["pay_brought_to"] == "2027-06"
    assert reference.definition["catalogue"]["cost_assumptions"]["pay_brought_to"] == shipped["pay_brought_to"]
    assert "Reference playbook: 0 created, 0 updated, 1 unchanged" in load()


def test_a_newer_reference_never_goes_over_a_curators_draft(
    reference: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.playbooks.services import start_draft

    draft = start_draft(playbook=reference)
    _newer_reference(tmp_path, monkeypatch)
    report = load()
    assert Playbook.objects.current() == reference
    assert set(Playbook.objects.values_list("pk", flat=True)) == {reference.pk, draft.pk}
    assert "a newer reference playbook ships with this release" in report


def test_a_reference_that_only_rewords_a_question_and_a_reason_is_published_as_a_new_version(
    reference: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release that changes nothing but wording (a question's prompt, a rule's reason) still reaches buyers
    who start an assessment after it, while the assessments begun on the earlier version keep its words."""
    from apps.playbooks import reference as playbook_reference

    data = json.loads(playbook_reference.DATA_FILE.read_text())
    question = next(q for s in data["sections"] for q in s["questions"] if q["code"] == "data_categories")
    rule = next(r for r in data["rules"] if r["code"] == "codifiable-work")
    before = reference.questions.get(code="data_categories").prompt
    question["prompt"], rule["rationale"] = "Reworded prompt", "Reworded reason"
    path = tmp_path / "playbook.json"
    path.write_text(json.dumps(data))
    monkeypatch.setattr(playbook_reference, "DATA_FILE", path)

    assert "Reference playbook: 0 created, 1 updated" in load()
    current = Playbook.objects.current()
    assert current is not None and current.version == reference.version + 1
    assert current.questions.get(code="data_categories").prompt == "Reworded prompt"
    assert current.rules.get(code="codifiable-work").rationale == "Reworded reason"
    assert reference.questions.get(code="data_categories").prompt == before


def test_regimes_and_obligations_reload_from_one_read_of_what_is_stored(
    reference: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader reads the stored regimes and obligations once: a new regime's obligations are created, an
    obligation the file lists twice is created once and takes the later listing (as a lookup per entry did), one
    withdrawn is deleted, and review dates the file raises are written."""
    data = json.loads(compliance_reference.DATA_FILE.read_text())
    gdpr = next(item for item in data["items"] if item["code"] == "gdpr")
    withdrawn = gdpr["obligations"].pop()
    gdpr["last_reviewed"] = "2099-01-31"
    new = {**gdpr, "code": "gdpr-copy", "name": "A regime new in this release"}
    twice = {**new["obligations"][0], "title": "The later listing of the same obligation"}
    new["obligations"] = [*new["obligations"], twice]
    data["items"].append(new)
    path = tmp_path / "regimes.json"
    path.write_text(json.dumps(data))
    monkeypatch.setattr(compliance_reference, "DATA_FILE", path)
    report = load()
    copy = Regime.objects.get(code="gdpr-copy")
    assert copy.obligations.count() == len(gdpr["obligations"])  # the one listed twice, once
    assert copy.obligations.get(code=twice["code"]).title == twice["title"]
    assert not Obligation.objects.filter(regime__code="gdpr", code=withdrawn["code"]).exists()
    assert str(Regime.objects.get(code="gdpr").last_reviewed) == "2099-01-31"
    assert "Regimes: 1 created, 0 updated" in report


def test_a_cost_index_with_no_published_source_says_so_instead_of_citing_another_figures_source() -> None:
    from apps.playbooks.engine.tco.case import index_source

    data = json.loads(
        (Path(engagements_reference.__file__).parent / "reference" / "delivery_locations.json").read_text()
    )
    locations = {entry["code"]: entry for entry in data["items"]}
    assert index_source(locations["south-africa"]).startswith("No published source: the project's assumption")
    assert index_source(locations["poland"]).startswith("Zedtreeo blog: outsourcing costs")
