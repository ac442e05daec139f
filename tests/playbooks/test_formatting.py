"""One home for numbers and money: the engine, the template tags and the exports write a figure the same way."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from apps.common import formatting
from apps.common.templatetags.kpo import money_range, usd
from apps.playbooks.engine.answers import answer_text
from apps.playbooks.engine.cost import _money
from apps.playbooks.engine.types import Question


def test_the_formatting_module_imports_nothing_from_django_so_the_engine_may_use_it() -> None:
    tree = ast.parse(Path(formatting.__file__).read_text())
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not [m for m in modules if m.startswith(("django", "apps"))]


def test_a_cost_range_reads_the_same_in_the_engine_and_on_the_page() -> None:
    row = SimpleNamespace(cost_low=-1200, cost_likely=0, cost_high=1500)
    assert _money((-1200, 0, 1500)) == money_range(row, "cost") == "−$1,200–$1,500 (likely $0)"


def test_money_answers_read_as_the_template_tag_writes_whole_dollars() -> None:
    question = Question(code="budget", section="s", prompt="Budget", kind="money", required=True)
    assert answer_text(question, 2_500_000) == usd(2_500_000) == "$2,500,000"
    assert formatting.json_number(Decimal("12.50")) == 12.5 and formatting.json_number(Decimal("12")) == 12


def test_short_money_beside_a_chart_bar_and_plain_numbers_for_form_boxes() -> None:
    assert [formatting.short_money(v, c) for v, c in ((950, "USD"), (84_000, "GBP"), (-1_250_000, "EUR"))] == [
        "$950",
        "£84k",
        "−€1.25m",
    ]
    assert formatting.short_money(2_000_000, "JPY") == "2m JPY"
    assert [formatting.plain_number(v) for v in (2_000_000, 0.00001, 1234.5)] == ["2000000", "0.00001", "1234.5"]


@pytest.mark.parametrize(
    ("url", "citation", "part"),
    [
        (  # review 120: the link reading "45 CFR 160.103 …" opened § 164.514
            "https://www.ecfr.gov/current/title-45/section-164.514",
            "45 CFR 160.103 (PHI; business associate); 164.514(a)-(b) (de-identification)",
            "§ 164.514",
        ),
        ("https://www.ecfr.gov/current/title-45/section-164.514", "45 CFR 164.514(a)-(b)", ""),
        ("https://www.ecfr.gov/current/title-17/section-240.13a-15", "17 CFR 240.13a-15(d)", ""),
        ("https://sso.agc.gov.sg/Act/PDPA2012", "PDPA 2012 s. 26(1)", ""),
        ("", "45 CFR 160.103", ""),
    ],
)
def test_a_link_opening_another_provision_than_the_first_cited_is_labelled_with_it(
    url: str, citation: str, part: str
) -> None:
    from apps.common.templatetags.kpo import linked_part

    assert linked_part(url, citation) == part


def test_the_dearer_condition_writes_its_share_as_the_verdict_does() -> None:
    # Review 144: "6,437% more" in the verdict and "6437% more" in the condition below it.
    from apps.playbooks.engine.evaluate import dearer_condition

    assert "likely costs 6,437% more than keeping it in-house" in dearer_condition(-6437.2, 0.0).text
    assert "likely costs 12% more than keeping it in-house" in dearer_condition(-12.0, 0.0).text


def test_the_dearer_condition_never_says_zero_per_cent_more() -> None:
    # Review 148: "likely costs 0% more than keeping it in-house, with a saving in 51% of the simulated cases".
    from apps.playbooks.engine.evaluate import dearer_condition

    said = dearer_condition(-0.3, 0.51).text
    assert "0% more" not in said and "likely costs slightly more (under 1%) than keeping it in-house" in said
