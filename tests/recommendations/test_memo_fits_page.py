"""Nothing in the memo runs off the page: the cost table's seven columns wrap within A4's width, so "Chance of a
saving" and "Break-even" are printed for every option (review 66: both were cut off at the page edge)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html, render_memo_pdf
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db


def _layout(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url="http://testserver/").render()


def _split_figures(document: Any) -> list[tuple[str, str]]:
    """Figures broken inside a number across two lines of one cell ("$40,00" over "0"): each (line, next line)."""
    found = []
    for page in document.pages:
        for cell in page._page_box.descendants():
            element = getattr(cell, "element", None)
            if type(cell).__name__ != "TableCellBox" or element is None or "num" not in element.get("class", ""):
                continue
            lines = [
                "".join(getattr(t, "text", "") for t in line.descendants())
                for line in cell.descendants()
                if type(line).__name__ == "LineBox"
            ]
            for a, b in zip(lines, lines[1:], strict=False):
                end, start = a.rstrip()[-1:], b.lstrip()[:1]
                # A digit carried on, or a line starting with a separator: "$40,00" over "0", "$1,130" over ",000". A
                # break after "$1,840,000," before "53.2%" is the space between them.
                if (end.isdigit() and (start.isdigit() or start in ",.")) or (start in ",." and start):
                    found.append((a, b))
    return found


def _overflowing(html: str) -> list[tuple[int, str, float]]:
    """The text boxes whose right edge lies past their page's width: (page, text, how far past in CSS px)."""
    from weasyprint import HTML

    found = []
    for number, page in enumerate(HTML(string=html, base_url="http://testserver/").render().pages, 1):
        width = page.width
        for box in page._page_box.descendants():
            text = getattr(box, "text", None)
            if text and text.strip():
                right = box.position_x + box.margin_width()
                if right > width + 0.5:
                    found.append((number, text, right - width))
    return found


@pytest.mark.parametrize("case", ["US health insurer", "KYC refresh: a Dutch bank", "New York company: FP&A"])
def test_every_word_of_the_memo_lies_within_the_page(
    reference: Playbook, organisation: Organisation, buyer: User, case: Any
) -> None:
    rec = recommend(reference, organisation, buyer, case, "Memo width")
    assert rec.snapshot["evaluation"]["cost"]["models"], "a case with costed options"
    html = render_memo_html(rec, "http://testserver/")
    assert "Chance of a saving" in html and "Break-even" in html
    assert _overflowing(html) == []
    assert _split_figures(_layout(html)) == []


def test_no_word_is_left_alone_on_a_line_before_a_link(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 176: WeasyPrint broke "against 35" / "for" / "Staff augmentation), … within 6 months." before the space
    # ahead of "See the trade-off", a link; the space moved inside the link keeps the sentence flowing.
    case = "US company with an entity in India: its own FP&A centre of 60, set up with no provider"
    answers = {
        **reference.golden_cases.get(name__startswith=case).answers,
        "start_within": "three-to-six",
        "team_size": 5000,
        "annual_hours": 9000000,
        "horizon": 10,
    }
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    first = PdfReader(io.BytesIO(render_memo_pdf(rec, "http://testserver/"))).pages[0].extract_text()
    assert "against 35\nfor Staff augmentation)" in first, first
