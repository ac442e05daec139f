"""In-house pay benchmarks come from official statistics: each figure names its one series (BLS OEWS, ONS
ASHE or Eurostat) with the occupation code and the release date, and the catalogue agrees with the cost
assumptions the total cost of ownership uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.common.sources import host_of
from apps.engagements.models import KnowledgeFunction
from apps.playbooks.models import Playbook

REFERENCE = Path(__file__).resolve().parents[2] / "apps" / "engagements" / "reference"
FUNCTIONS: list[dict[str, Any]] = json.loads((REFERENCE / "knowledge_functions.json").read_text())["items"]
ASSUMPTIONS: dict[str, Any] = json.loads((REFERENCE / "cost_assumptions.json").read_text())
# The official statistics hosts for pay (../shared/reference/primary-sources.md), and the series each publishes.
SERIES = {"bls.gov": "BLS OEWS", "ons.gov.uk": "ONS ASHE", "ec.europa.eu": "Eurostat"}
RELEASE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)?\s*(19|20)\d\d\b"
)
OCCUPATION = re.compile(r"\b(SOC( 2020)?|ISCO-08) \d{2}-?\d{2,4}\b")


def _naming(function: dict[str, Any], figure: str) -> list[dict[str, Any]]:
    return [s for s in function["sources"] if figure in s.get("figures", [])]


@pytest.mark.parametrize("function", FUNCTIONS, ids=[f["code"] for f in FUNCTIONS])
@pytest.mark.parametrize("figure", ["inhouse_us", "inhouse_uk"])
def test_each_inhouse_figure_cites_one_official_series_with_its_occupation_and_date(
    function: dict[str, Any], figure: str
) -> None:
    if function[f"{figure}_likely"] is None:
        assert _naming(function, figure) == [], "an empty figure cites nothing"
        return
    (source,) = _naming(function, figure)
    host = host_of(source["url"])
    assert host in SERIES, f"{function['code']}: {figure} is sourced to {host}, not an official statistics host"
    assert source["title"].startswith(SERIES[host]), source["title"]
    assert OCCUPATION.search(source["title"]), f"{function['code']}: the pinpoint names no occupation code"
    assert RELEASE.search(source["title"]) and RELEASE.search(source["date"]), "the pinpoint names no release"
    if function["confidence"] == "weak":
        assert "to be verified against the release" in source["note"].lower()


@pytest.mark.parametrize("function", FUNCTIONS, ids=[f["code"] for f in FUNCTIONS])
def test_inhouse_figures_are_whole_money_and_in_order(function: dict[str, Any]) -> None:
    for market in ("us", "uk"):
        values = [function[f"inhouse_{market}_{end}"] for end in ("low", "likely", "high")]
        if values == [None, None, None]:
            continue
        assert all(isinstance(v, int) for v in values), f"{function['code']}: {values} are not whole amounts"
        assert values == sorted(values)


def test_catalogue_and_cost_assumptions_agree_on_us_pay() -> None:
    """The catalogue's hourly cost is the assumptions' annual wage ÷ 2,080 paid hours × (1 + ECEC on-costs)."""
    loaded = 1 + ASSUMPTIONS["loaded_cost"]["us"]["oncost"]["likely"]
    by_code = {f["code"]: f for f in FUNCTIONS}
    checked = 0
    for group in ASSUMPTIONS["inhouse_salary"].values():
        salary = group["us"]
        for code in group["functions"]:
            function = by_code[code]
            expected = [round(salary[end] / 2080 * loaded) for end in ("low", "likely", "high")]
            assert [function[f"inhouse_us_{end}"] for end in ("low", "likely", "high")] == expected, code
            (source,) = _naming(function, "inhouse_us")
            assert source["url"] == salary["source"]["url"], code
            assert salary["source"]["pinpoint"].startswith("OEWS May 2023") and "May 2023" in source["title"]
            checked += 1
    assert checked >= 4


def test_the_functions_page_shows_the_official_cost_and_its_series(reference: Playbook, buyer_client: Client) -> None:
    html = buyer_client.get(reverse("engagements:functions")).content.decode()
    assert "BLS OEWS May 2023, SOC 13-2051" in html
    assert 'href="https://www.bls.gov/oes/2023/may/oes132051.htm"' in html
    stored = KnowledgeFunction.objects.get(code="equity-research")
    assert (stored.inhouse_us_low, stored.inhouse_us_likely, stored.inhouse_us_high) == (53, 68, 89)
