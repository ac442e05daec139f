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
from apps.common.spreadsheet import BOM, FORMULA_STARTS, csv_writer, safe_cell
from apps.playbooks.models import Playbook
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
TITLE = "Q3;=cmd|' /C calc'!A0;"


def spreadsheet_cells(line: str, separator: str) -> list[str]:
    """How a spreadsheet's import splits a line: a quote opens a quoted run only at the start of a cell (a doubled
    quote inside reads as one), what follows its closing quote is kept as it comes, and the separator ends a cell
    outside a quoted run (review 51: a ";" reader of ``"7","Q3;=cmd…"`` gets ``7,"Q3`` then ``=cmd…``)."""
    cells, i = [], 0
    while True:
        cell = []
        if line[i : i + 1] == '"':
            i += 1
            while i < len(line):
                if line[i] == '"' and line[i + 1 : i + 2] == '"':
                    cell.append('"')
                    i += 2
                elif line[i] == '"':
                    i += 1
                    break
                else:
                    cell.append(line[i])
                    i += 1
        while i < len(line) and line[i] != separator:
            cell.append(line[i])
            i += 1
        cells.append("".join(cell))
        if i >= len(line):
            return cells
        i += 1


def formulas(text: str) -> list[tuple[str, str]]:
    """The cells of ``text`` a spreadsheet splitting on "," or on ";" would start as formulas."""
    return [
        (separator, cell)
        for line in text.splitlines()
        for separator in (",", ";")
        for cell in spreadsheet_cells(line, separator)
        if cell.lstrip(" ").startswith(FORMULA_STARTS)
    ]


def test_the_writer_quotes_every_cell_and_the_guard_marks_a_formula() -> None:
    out = io.StringIO()
    csv_writer(out).writerow([7, TITLE, safe_cell("=1+1"), safe_cell("-2"), "plain"])
    assert out.getvalue() == '\ufeff"7","Q3;=cmd|\' /C calc\'!A0;","\'=1+1","\'-2","plain"\r\n'
    hostile = [TITLE, "x; =1", "a,+1", "b;-1", "c;@A1", "d\t=1+1", 'e; "=2', "\uff1d3", "f\n=4"]
    out = io.StringIO()
    csv_writer(out).writerow([safe_cell(t) for t in hostile])
    assert not formulas(out.getvalue()), formulas(out.getvalue())
    assert next(csv.reader(io.StringIO(out.getvalue().removeprefix(BOM))))[0] == "Q3;'=cmd|' /C calc'!A0;"
    # Quoting alone, as review 49's fix was: split on ";", the formula is a cell of its own.
    quoted = io.StringIO()
    csv_writer(quoted).writerow([7, TITLE])
    assert (";", "=cmd|' /C calc'!A0") in formulas(quoted.getvalue().removeprefix(BOM))


def test_the_history_export_quotes_a_title_with_a_separator_and_a_formula(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    from apps.recommendations.services import submit_and_recommend

    answers = reference.golden_cases.order_by("pk").first().answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, title=TITLE, answers=answers)
    submit_and_recommend(assessment=a, user=buyer)
    body = buyer_client.get(reverse("recommendations:history_csv")).content.decode("utf-8-sig")
    assert "cmd|" in body and not formulas(body), formulas(body)
