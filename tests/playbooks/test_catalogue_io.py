"""The catalogue as JSON: export, import back, and refusal of bad files with nothing written."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from apps.compliance.models import Obligation
from apps.engagements.models import KnowledgeFunction
from apps.playbooks.catalogue_io import CatalogueError, export_catalogue, import_catalogue
from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(reference: Playbook) -> None:
    """The reference catalogue (loaded with the reference playbook)."""


def roundtrip(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data), parse_float=Decimal)


def test_export_then_import_changes_nothing(catalogue: None) -> None:
    data = export_catalogue()
    assert len(data["knowledge_functions"]) >= 9 and data["regimes"][0]["obligations"]
    report = import_catalogue(roundtrip(data))
    assert all(not s.created and not s.updated for s in report.sections), report.lines()
    assert export_catalogue() == data


def test_import_creates_and_updates_by_code(catalogue: None) -> None:
    data = export_catalogue()
    function = next(f for f in data["knowledge_functions"] if f["code"] == "actuarial")
    function["kpo_rate_high"] = 44
    data["knowledge_functions"].append({**function, "code": "reinsurance-modelling", "name": "Reinsurance modelling"})
    data["regimes"][0]["obligations"].append(
        {**data["regimes"][0]["obligations"][0], "code": "new-duty", "title": "A new duty"}
    )
    report = "\n".join(import_catalogue(roundtrip(data)).lines())
    assert "Knowledge functions: 1 created, 1 updated" in report
    assert KnowledgeFunction.objects.get(code="actuarial").kpo_rate_high == 44
    assert Obligation.objects.filter(code="new-duty", regime__code=data["regimes"][0]["code"]).exists()


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d.update(format="other"), "not a KPO Advisor catalogue file"),
        (
            lambda d: d["knowledge_functions"][0].update(kpo_rate_low=99, kpo_rate_likely=10),
            "'likely' must be at least 'low'",
        ),
        (lambda d: d["knowledge_functions"][0].pop("name"), "missing name"),
        (lambda d: d["delivery_locations"][0].update(colour="blue"), "unknown fields colour"),
        (lambda d: d["engagement_models"].append(dict(d["engagement_models"][0])), "is used twice"),
        (lambda d: d["regimes"][0]["obligations"][0].update(phase="someday"), "phase"),
        (
            lambda d: d["regimes"][0].update(sources=[{"title": "x", "url": "javascript:alert(1)"}]),
            "not a valid http(s) URL",
        ),
        (lambda d: d["knowledge_functions"][0].update(name="Legal\x00review"), "contains a NUL byte; remove it."),
        (lambda d: d["regimes"][0]["obligations"][0].update(title="\x00"), "obligations[0].title: contains a NUL"),
        (lambda d: d["engagement_models"][0].update(code=["a", "b"]), "engagement_models #1: code must be text"),
        (lambda d: d["regimes"][0].update(obligations=5), "obligations must be a list, not a whole number."),
        (lambda d: d.update(regimes={"a": 1}), "'regimes' must be a list, not an object."),
        (lambda d: d["knowledge_functions"][0].update(name=["x"]), "name must be text, not a list."),
        (lambda d: d["engagement_models"][0].update(is_kpo="yes"), "is_kpo must be true or false, not text."),
        (lambda d: d["knowledge_functions"][0].update(kpo_rate_low="12"), "kpo_rate_low must be a number, not text"),
        (lambda d: d["knowledge_functions"][0].update(kpo_rate_low=True), "kpo_rate_low must be a number"),
        (lambda d: d["knowledge_functions"][0].update(display_order=10**30), "the number is too large"),
        (lambda d: d["delivery_locations"][0].update(cost_index=float("nan")), "is not a number"),
        (lambda d: d["regimes"][0]["obligations"].append(7), "obligation #"),
        (lambda d: d["engagement_models"][0].update(sources=None), "sources must not be empty (null)."),
        (lambda d: d["knowledge_functions"][0].update(name=None), "name must not be empty (null)."),
    ],
)
def test_a_bad_catalogue_file_is_refused_whole(catalogue: None, mutate: Any, problem: str) -> None:
    data = export_catalogue()
    data["knowledge_functions"][1]["summary"] = "This valid change must not be written either."
    mutate(data)
    with pytest.raises(CatalogueError) as info:
        import_catalogue(roundtrip(data))
    assert any(problem in m for m in info.value.messages), info.value.messages
    assert not KnowledgeFunction.objects.filter(summary__startswith="This valid change").exists()


def test_catalogue_commands(catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    call_command("export_catalogue", "-o", str(path), stdout=StringIO())
    out = StringIO()
    call_command("import_catalogue", str(path), stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    path.write_text("{broken")
    with pytest.raises(CommandError) as info:
        call_command("import_catalogue", str(path))
    assert info.value.returncode == 2


def test_catalogue_export_and_import_from_admin(catalogue: None, curator_client: Client) -> None:
    exported = curator_client.get(reverse("admin:playbooks_catalogue_export"))
    data = json.loads(exported.content)
    data["knowledge_functions"][0]["summary"] = "Edited through an import."
    upload = SimpleUploadedFile("c.json", json.dumps(data).encode())
    response = curator_client.post(reverse("admin:playbooks_catalogue_import"), {"file": upload}, follow=True)
    assert "Knowledge functions: 0 created, 1 updated" in response.content.decode()
    data["knowledge_functions"][0]["kpo_rate_low"] = -5
    bad = curator_client.post(
        reverse("admin:playbooks_catalogue_import"), {"file": SimpleUploadedFile("c.json", json.dumps(data).encode())}
    )
    assert bad.status_code == 400 and "nothing was written" in bad.content.decode()
