"""Every CSV export quotes every cell, so a spreadsheet that splits on ";" (Excel in much of Europe) keeps a title such
as "Q3;=cmd|' /C calc'!A0;" one cell instead of starting a formula cell after the ";" (review 49), on top of the
apostrophe before a cell that would itself start a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.common.spreadsheet import FORMULA_STARTS, csv_writer, safe_cell
from apps.playbooks.models import Playbook
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
TITLE = "Q3;=cmd|' /C calc'!A0;"


def spreadsheet_cells(line: str, separator: str) -> list[str]:
    """How a spreadsheet's import splits a line: a quote opens or closes a quoted run (a doubled quote inside reads
    as both), and the separator splits only outside one."""
    cells, cell, quoted = [], [], False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            cells.append("".join(cell))
            cell = []
        else:
            cell.append(char)
    return [*cells, "".join(cell)]


def test_the_writer_quotes_every_cell_and_the_guard_marks_a_formula() -> None:
    out = io.StringIO()
    csv_writer(out).writerow([7, TITLE, safe_cell("=1+1"), safe_cell("-2"), "plain"])
    assert out.getvalue() == '"7","Q3;=cmd|\' /C calc\'!A0;","\'=1+1","\'-2","plain"\r\n'
    assert next(csv.reader(io.StringIO(out.getvalue())))[1] == TITLE
    for separator in (",", ";"):  # split on either, no cell starts a formula
        cells = spreadsheet_cells(out.getvalue().rstrip("\r\n"), separator)
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells), (separator, cells)
    # Unquoted, as the writer was: split on ";", the formula is a cell of its own.
    plain = io.StringIO()
    csv.writer(plain).writerow([7, TITLE])
    assert "=cmd|' /C calc'!A0" in spreadsheet_cells(plain.getvalue().rstrip("\r\n"), ";")


def test_the_history_export_quotes_a_title_with_a_separator_and_a_formula(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    from apps.recommendations.services import submit_and_recommend

    answers = reference.golden_cases.order_by("pk").first().answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, title=TITLE, answers=answers)
    submit_and_recommend(assessment=a, user=buyer)
    body = buyer_client.get(reverse("recommendations:history_csv")).content.decode()
    line = next(line for line in body.splitlines() if "cmd|" in line)
    assert f'"{TITLE}"' in line
    for separator in (",", ";"):
        cells = spreadsheet_cells(line, separator)
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells), (separator, cells)
