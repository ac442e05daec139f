"""A recommendation records which scoring code scored it: the engine's contract version and a digest of the engine's
source, so a change to how answers are scored reads as a new version (the header had read "engine 1.0" through every
change)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks import code_version
from apps.playbooks.engine import ENGINE_VERSION
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory


def test_the_version_is_the_contract_and_a_digest_of_the_engine() -> None:
    version = code_version.scoring_code_version()
    assert re.fullmatch(rf"{re.escape(ENGINE_VERSION)}\+[0-9a-f]{{8}}", version), version
    assert len(version) <= 20  # the recommendation's column


def test_a_change_to_any_engine_module_gives_another_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "engine"
    shutil.copytree(code_version.ENGINE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(code_version, "ENGINE_ROOT", copy)
    code_version.scoring_code_version.cache_clear()
    try:
        same = code_version.scoring_code_version()
        code_version.scoring_code_version.cache_clear()
        nested = copy / "tco" / "estimate.py"
        nested.write_text(nested.read_text() + "\n# changed\n")
        changed = code_version.scoring_code_version()
    finally:
        code_version.scoring_code_version.cache_clear()
    assert same != changed and same.split("+")[0] == changed.split("+")[0]


@pytest.mark.django_db
def test_a_recommendation_stores_it_and_its_page_says_what_it_is(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = reference.golden_cases.order_by("pk")[0].answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    version = code_version.scoring_code_version()
    assert rec.engine_version == version and rec.snapshot["engine_version"] == version
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert f"version {version} of the product&#x27;s scoring code" in page or (
        f"version {version} of the product's scoring code" in page
    )
