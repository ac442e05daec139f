"""One home for numbers and money: the engine, the template tags and the exports write a figure the same way."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

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
