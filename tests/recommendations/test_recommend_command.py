"""`manage.py recommend` never prints a verdict for an answers file with required answers missing, unless
asked to (--allow-incomplete), and then the result says it is incomplete."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.playbooks.models import Playbook


def _run(*args: str) -> str:
    out = StringIO()
    call_command("recommend", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["{}", '{"function": "equity-research"}'])
def test_missing_required_answers_exit_2_and_are_listed(reference: Playbook, tmp_path: Path, content: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content)
    with pytest.raises(CommandError) as info:
        _run("--answers", str(path))
    assert info.value.returncode == 2
    message = str(info.value)
    assert "Required answers are missing" in message and "--allow-incomplete" in message
    assert "work_nature:" in message  # each missing answer by code, with its question
    assert "KPO wins" not in message


@pytest.mark.django_db
def test_allow_incomplete_scores_and_marks_the_result(reference: Playbook, tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"function": "equity-research"}')
    text = _run("--answers", str(path), "--allow-incomplete")
    assert text.startswith("INCOMPLETE: required answers are missing")
    data = json.loads(_run("--answers", str(path), "--allow-incomplete", "--format", "json"))
    assert data["incomplete"] is True and data["evaluation"]["missing_required"]


@pytest.mark.django_db
def test_a_complete_file_is_not_marked_incomplete(reference: Playbook, tmp_path: Path) -> None:
    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    data = json.loads(_run("--answers", str(path), "--format", "json"))
    assert data["incomplete"] is False
    assert not _run("--answers", str(path)).startswith("INCOMPLETE")


@pytest.mark.django_db
def test_the_verdict_line_says_no_model_can_be_used_as_the_page_does(reference: Playbook, tmp_path: Path) -> None:
    # Review 167: "KPO wins (fit score 65/100)" for answers no model can start by.
    answers = {
        **reference.golden_cases.get(name__startswith="UK buyer: financial analysis for a UK retailer").answers,
        "team_size": 60,
        "annual_hours": 108000,
        "start_within": "within-month",
    }
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    first = _run("--answers", str(path)).splitlines()[0]
    assert "(but no engagement model can be used as answered" in first, first


@pytest.mark.django_db
def test_hours_no_one_could_work_exit_2_as_the_review_page_refuses_them(reference: Playbook, tmp_path: Path) -> None:
    # Review 170: 10,000,000 hours a year for 5 people printed a priced "KPO wins" with no word.
    answers = reference.golden_cases.get(name__startswith="Textbook KPO: steady market analytics").answers
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({**answers, "annual_hours": 10_000_000, "team_size": 5}))
    with pytest.raises(CommandError) as info:
        _run("--answers", str(path))
    assert info.value.returncode == 2
    assert "Correct these answers before scoring them:" in str(info.value)
    assert "10,000,000 hours a year for 5 people is 2,000,000 hours each" in str(info.value)


@pytest.mark.django_db
def test_the_answer_checks_are_printed_with_the_result(reference: Playbook, tmp_path: Path) -> None:
    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({**answers, "annual_hours": 1, "team_size": 1}))
    text = _run("--answers", str(path))
    assert "CHECK YOUR ANSWERS: 1 hour of work a year is less than a working day" in text.splitlines()[1]
    data = json.loads(_run("--answers", str(path), "--format", "json"))
    assert data["checks"] and data["checks"][0].startswith("1 hour of work a year is less than a working day")
    path.write_text(json.dumps(answers))
    assert json.loads(_run("--answers", str(path), "--format", "json"))["checks"] == []
