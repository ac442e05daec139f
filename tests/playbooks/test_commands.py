"""describe_playbook (docs/answers.md stays current), recommend, export_playbook and import_playbook."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.playbooks.models import Playbook
from apps.playbooks.services import PlaybookError, export_playbook_data, import_playbook
from apps.recommendations.models import Recommendation

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_docs_answers_md_is_current(reference: Playbook) -> None:
    generated = run("describe_playbook", "--format", "markdown")
    assert (ROOT / "docs" / "answers.md").read_text() == generated, (
        "docs/answers.md is stale: run `manage.py describe_playbook --format markdown > docs/answers.md`"
    )


def test_describe_playbook_json_lists_codes_kinds_options_and_visibility(reference: Playbook) -> None:
    schema = json.loads(run("describe_playbook", "--version", "1", "--format", "json"))
    questions = {q["code"]: q for s in schema["sections"] for q in s["questions"]}
    assert questions["function"]["kind"] == "single"
    assert "equity-research" in [o["code"] for o in questions["function"]["options"]]
    assert any(q["shown_when"] != "always" for q in questions.values())


def test_describe_playbook_unknown_version_fails_clearly(reference: Playbook) -> None:
    with pytest.raises(CommandError, match="No such published playbook"):
        run("describe_playbook", "--version", "99")


def _golden_answers(reference: Playbook) -> dict[str, Any]:
    return dict(reference.golden_cases.get(name__startswith="US hedge fund").answers)


def test_recommend_prints_the_evaluation_and_stores_nothing(reference: Playbook, tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(_golden_answers(reference)))
    text = run("recommend", "--answers", str(path))
    assert text.startswith("KPO wins")
    assert "Engagement models:" in text and "Dedicated team at the provider" in text
    data = json.loads(run("recommend", "--answers", str(path), "--format", "json", "--playbook", "1"))
    assert data["evaluation"]["verdict"] == "wins"
    assert data["evaluation"]["top_model"] == "captive-team"
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"function": "astrology"}', "function: Choose one of the options shown."),
        ('{"no_such_question": 1}', "no_such_question: There is no question with this code"),
        ('{"annual_hours": "lots"}', "annual_hours: Enter a number"),
        ("[1, 2]", "must be a JSON object"),
        ("{not json", "is not readable JSON"),
    ],
)
def test_recommend_refuses_bad_files_with_exit_status_2(
    reference: Playbook, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content)
    with pytest.raises(CommandError) as info:
        run("recommend", "--answers", str(path))
    assert info.value.returncode == 2
    assert message in str(info.value)


def test_recommend_missing_file_exits_2(reference: Playbook) -> None:
    with pytest.raises(CommandError) as info:
        run("recommend", "--answers", "/no/such/file.json")
    assert info.value.returncode == 2


def test_export_then_import_gives_an_identical_playbook(reference: Playbook, tmp_path: Path) -> None:
    path = tmp_path / "playbook.json"
    run("export_playbook", "--output", str(path))
    out = run("import_playbook", str(path))
    draft = Playbook.objects.get(status="draft")
    assert f"draft #{draft.pk}" in out
    assert export_playbook_data(draft) == export_playbook_data(reference) == json.loads(path.read_text())


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d.update(format="something-else"), "not a KPO Advisor playbook file"),
        (lambda d: d["sections"][0]["questions"][0].update(kind="essay"), "unknown kind 'essay'"),
        (
            lambda d: d["rules"][0]["conditions"].append({"question": "nope", "op": "answered"}),
            "not an earlier question",
        ),
        (lambda d: d["rules"][0]["effects"].append({"kind": "regime", "target": "no-such-regime"}), "unknown regime"),
        (lambda d: d["sections"][0].update(code="Bad Code!"), "Use lower-case letters"),
        (lambda d: d["sections"][0].update(title="x" * 500), "at most 200 characters"),
    ],
)
def test_import_refuses_a_bad_file_whole(reference: Playbook, mutate: Any, problem: str) -> None:
    data = export_playbook_data(reference)
    mutate(data)
    count = Playbook.objects.count()
    with pytest.raises(PlaybookError) as info:
        import_playbook(data=data)
    assert any(problem in m for m in info.value.messages), info.value.messages
    assert Playbook.objects.count() == count


def test_import_command_lists_problems_and_exits_2(reference: Playbook, tmp_path: Path) -> None:
    data = export_playbook_data(reference)
    data["sections"][0]["questions"][0]["kind"] = "essay"
    data["rules"][0]["effects"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as info:
        run("import_playbook", str(path))
    assert info.value.returncode == 2
    assert "unknown kind 'essay'" in str(info.value) and "has no effects" in str(info.value)
