"""The result page's charts: an axis with figures and a title, each bar's figure beside it, negative
scores left of a zero line, labels never cut, and text that keeps its size (no viewBox)."""

from __future__ import annotations

import re
from html import unescape
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.charts import PLOT, cost_chart, nice_step, score_chart, sensitivity_chart
from apps.recommendations.snapshot.types import Cost, CostModel, Model
from tests.recommendations.conftest import recommend


def model(name: str, score: int) -> Model:
    return Model(code=name.lower(), name=name, score=score, contributions=())


def test_negative_scores_draw_left_of_the_zero_line() -> None:
    chart = score_chart([model("Project", 12), model("Captive team", -6)])
    project, captive = chart.rows
    assert 0 < chart.zero < PLOT
    assert project.start == pytest.approx(chart.zero) and project.width > 0
    assert captive.start < chart.zero and captive.width > 0 and captive.negative
    assert captive.start + captive.width == pytest.approx(chart.zero)
    # Both bars on the one scale: twice the points, twice the length.
    assert project.width == pytest.approx(2 * captive.width)
    assert [r.figure for r in chart.rows] == ["+12", "−6"]


def test_the_score_axis_has_round_ticks_through_zero_and_a_title() -> None:
    chart = score_chart([model("Project", 23), model("Pool", -8)])
    texts = [t.text for t in chart.ticks]
    assert "0" in texts
    zero_tick = next(t for t in chart.ticks if t.text == "0")
    assert zero_tick.at == pytest.approx(chart.zero)
    assert texts[0].startswith("−") and texts[-1].startswith("+")
    assert chart.ticks[0].at == 0 and chart.ticks[-1].at == pytest.approx(PLOT)
    assert "points" in chart.axis_title.lower()


def test_all_zero_scores_still_make_an_axis() -> None:
    chart = score_chart([model("Project", 0)])
    assert chart.rows[0].width == 0 and chart.rows[0].figure == "0"
    assert len(chart.ticks) >= 2


@pytest.mark.parametrize(("span", "step"), [(31, 10), (100, 20), (8, 2), (3_400_000, 1_000_000), (0, 1)])
def test_axis_steps_are_round(span: float, step: float) -> None:
    assert nice_step(span) == step


def test_cost_chart_marks_the_likely_figure_and_labels_its_axis_in_dollars() -> None:
    pool_cost = CostModel(
        "pool", "Shared pool", "hourly", (0, 0, 0), (400_000, 600_000, 800_000), (0, 0, 0), None, "", (), False
    )
    cost = Cost(available=True, horizon_years=3, inhouse_horizon=(900_000, 1_200_000, 1_500_000), models=(pool_cost,))
    chart = cost_chart(cost)
    assert chart is not None
    inhouse, pool = chart.rows
    assert inhouse.label == "Keep it in-house: $900k to $1.50m" and inhouse.figure == "likely $1.20m"
    assert inhouse.marker is not None
    assert inhouse.start < inhouse.marker < inhouse.start + inhouse.width
    assert pool.figure == "likely $600k"
    assert "3 years" in chart.axis_title and "US dollars" in chart.axis_title
    assert chart.ticks[0].text == "$0" and chart.ticks[-1].at == pytest.approx(PLOT)
    assert cost_chart(Cost(available=False)) is None


def test_sensitivity_labels_wrap_instead_of_being_cut() -> None:
    prompt = "How many hours a year of this work do you expect, counting every analyst and reviewer involved?"
    chart = sensitivity_chart([SimpleNamespace(prompt=prompt, low=30, high=80, baseline=55)])
    assert chart is not None
    (row,) = chart.rows
    assert len(row.lines) > 1 and row.label == prompt
    assert row.figure == "30–80, now 55"
    assert [t.text for t in chart.ticks] == ["0", "25", "50", "75", "100"]
    assert sensitivity_chart([]) is None


def _svg_texts(svg: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]


@pytest.mark.django_db
def test_the_result_page_charts_have_axes_figures_and_captions(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    svgs = re.findall(r"<svg class=\"chart chart--bars\".*?</svg>", page, re.S)
    costed = rec.snapshot["evaluation"]["cost"]["models"]
    assert costed and all(m["tornado"] for m in costed)
    assert len(svgs) == 2 + len(costed)  # model scores, cost, and each costed model's tornado
    for svg in svgs:
        assert "viewBox" not in svg  # text keeps the page's size at every width
        assert 'class="chart__axis"' in svg and 'class="chart__axis-title"' in svg
        assert 'role="img"' in svg and "<title" in svg
    scores, cost, *tornadoes = svgs
    for model, svg in zip(costed, tornadoes, strict=True):
        texts = _svg_texts(svg)
        # The widest swing first; a long label wraps onto lines of its own, so it is compared without the spaces.
        assert model["tornado"][0]["label"].replace(" ", "") in "".join(texts).replace(" ", "")
        assert any(t.startswith("Saving against in-house (US dollars)") for t in texts)
        # What the mark is: in the caption, which wraps (one SVG line is too short for it on a phone).
        caption = f"{model['name']}: what moves the saving most (each input from its low to its high; the mark is"
        assert caption in unescape(page)
    texts = _svg_texts(scores)
    for model in rec.snapshot["evaluation"]["models"]:
        assert model["name"] in " ".join(texts)
        assert (f"+{model['score']}" if model["score"] > 0 else str(model["score"]).replace("-", "−")) in texts
    assert any(t.startswith("likely $") for t in _svg_texts(cost))
    assert page.count("<figcaption") >= 2


@pytest.mark.django_db
def test_the_sensitivity_chart_shows_whole_prompts_and_a_scale(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    fragment = buyer_client.get(reverse("recommendations:flips", args=[rec.pk]), HTTP_HX_REQUEST="true")
    svg = re.search(r"<svg class=\"chart chart--bars\".*?</svg>", fragment.content.decode(), re.S)
    assert svg is not None
    texts = _svg_texts(svg.group(0))
    assert "…" not in "".join(texts)
    assert {"0", "50", "100"} <= set(texts)
    assert any(t.startswith("Fit score") for t in texts)
    assert any(re.fullmatch(r"\d+–\d+, now \d+", t) for t in texts)


def test_chart_positions_are_written_as_floatformat_writes_them() -> None:
    """``svg_percent`` is ``floatformat:"2u"`` on every number a chart can hold (halves rounded up, the sign of a
    zero dropped), and hands anything else to floatformat."""
    import random

    from django.template.defaultfilters import floatformat

    from apps.recommendations.templatetags.chart_svg import svg_percent

    rng = random.Random(7)
    values: list[object] = [0, 0.0, -0.0, -0.001, 0.005, -0.005, 1.005, 2.675, 74, 100, 99.995, -99.995, 1e-9, 5e-324]
    values += [rng.uniform(-150, 150) for _ in range(20_000)]
    values += [round(rng.uniform(-150, 150), 3) for _ in range(20_000)]  # exact thousandths: the halves
    values += [rng.uniform(-1e9, 1e9) for _ in range(5_000)] + [rng.randint(-(10**6), 10**6) for _ in range(5_000)]
    values += [1e-100, -1e-100, 1e-101, 1e-150, 1e9, -1e9, 1e12, float("inf"), float("nan"), "12.345", None, True]
    differ = [(v, svg_percent(v), floatformat(v, "2u")) for v in values if svg_percent(v) != floatformat(v, "2u")]
    assert not differ, differ[:5]
