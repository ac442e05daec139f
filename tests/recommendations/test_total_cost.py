"""The total cost of ownership end to end: the engine's cost on the reference playbook, the stored
snapshot (version 4, and version 3 reading as it did), the result page, the memo, compare, the JSON export
and the ``recommend`` command."""

from __future__ import annotations

import copy
import html
import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.tco.estimate import total_cost
from apps.playbooks.models import Playbook
from apps.recommendations.diff import comparison_rows
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from apps.recommendations.snapshot import SCHEMA_VERSION, read_snapshot
from tests.factories import AssessmentFactory
from tests.playbooks.test_tco import CATALOGUE
from tests.recommendations.conftest import recommend
from tests.recommendations.test_memo_guidance import memo_html
from tests.recommendations.test_snapshot import store

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
TCO_FIELDS = ("savings_p10", "savings_p50", "savings_p90", "probability_saving", "break_even_month")


def answered(reference: Playbook, organisation: Organisation, user: User, case: str, **changes: Any) -> Recommendation:
    """The recommendation for the golden case whose name starts with ``case``, with ``changes`` to its answers."""
    answers = {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    a = AssessmentFactory(organisation=organisation, created_by=user, title=case, playbook=reference, answers=answers)
    return submit_and_recommend(assessment=a, user=user)


def cost_section(page: str) -> str:
    found = re.search(r'<section class="stack" aria-labelledby="cost">.*?</section>', page, re.S)
    assert found is not None
    return found.group(0)


def test_the_result_page_shows_each_models_total_line_by_line_with_its_distribution(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    cost = rec.record.evaluation.cost
    assert cost.is_tco and cost.currency == "USD" and cost.draws >= 10_000
    section = cost_section(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "All figures in USD" in section
    for m in cost.models:
        assert m.tco is not None and m.lines and m.tornado
        assert m.savings_p10 is not None and m.savings_p50 is not None and m.savings_p90 is not None
        assert m.savings_p10 <= m.savings_p50 <= m.savings_p90
        assert m.probability_saving is not None and 0 <= m.probability_saving <= 1
        assert {line.kind for line in m.lines} == {"one_time", "recurring"}
        assert f"{escape(m.name)}: every line over" in section
        # The in-house total the table states is the sum of the in-house lines it lists.
        assert sum(line.horizon[1] for line in cost.inhouse_lines) == pytest.approx(cost.inhouse_horizon[1])
        assert sum(line.horizon[1] for line in m.lines) == pytest.approx(m.tco.horizon[1])
    for words in ("One-time", "Recurring", "In-house, the same work", "Chance of a saving", "Break-even",
                  "Saving P10 / P50 / P90", "Transition and knowledge transfer (parallel running)",
                  "Retained organisation and vendor management", "Saving at its low"):  # fmt: skip
        assert words in section, words
    # Every input with its one source; the weak ones marked.
    salary = next(f for f in cost.figures if f.key == "inhouse.salary")
    assert "BLS" in salary.source and salary.weak
    assert section.count("Weak source: verify") >= 1
    assert "not costed: the number of deliverables" not in section


def test_a_uk_buyer_sees_pounds_and_uk_in_house_costs_from_uk_sources(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "UK wealth manager")
    cost = rec.record.evaluation.cost
    assert cost.currency == "GBP" and cost.home_market == "uk"
    figures = {f.key: f for f in cost.figures}
    assert "ONS" in figures["inhouse.salary"].source and "HMRC" in figures["inhouse.oncost"].source
    assert "GBP per USD" in figures["fx"].label and figures["fx"].source.startswith("ECB")
    section = cost_section(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "All figures in GBP" in section and "£" in section
    assert cost.amount(cost.inhouse_horizon[1]) in section and cost.amount(1_234_567) == "£1,230,000"
    # The same answers with a US home market: dollars, and a different in-house cost.
    us = answered(reference, organisation, buyer, "UK wealth manager", home_market="us").record.evaluation.cost
    assert us.currency == "USD" and us.inhouse_horizon != cost.inhouse_horizon


def test_a_euro_buyer_sees_euros_and_euro_area_in_house_costs_never_dollars(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    if "eu" not in reference.questions.get(role="home_market").options.values_list("code", flat=True):
        pytest.skip("the reference playbook has no euro-area home market yet")
    rec = answered(reference, organisation, buyer, "US hedge fund", home_market="eu")
    cost = rec.record.evaluation.cost
    assert cost.currency == "EUR" and "ECB" in next(f for f in cost.figures if f.key == "fx").source
    # Every function has a euro in-house figure: actuarial pay is derived in the open from Eurostat's, weak.
    actuarial = answered(reference, organisation, buyer, "US health insurer", home_market="eu").record.evaluation
    salary = next(f for f in actuarial.cost.figures if f.key == "inhouse.salary")
    assert actuarial.cost.currency == "EUR" and salary.source.startswith("Eurostat") and salary.weak
    assert "BLS" not in salary.source.split(":")[0]


def test_a_euro_buyer_is_told_the_in_house_pay_is_the_euro_area_average_until_they_give_their_own(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = answered(reference, organisation, buyer, "US hedge fund", home_market="eu")
    assert rec.record.evaluation.cost.regional_pay
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert 'id="regional-pay"' in page and (
        "In-house pay here is an estimate of the euro-area average, to be checked against Eurostat's survey"
        in html.unescape(page)
    )
    own = answered(
        reference, organisation, buyer, "US hedge fund", home_market="eu", own_figures=True, own_inhouse_cost=115_000
    )
    assert not own.record.evaluation.cost.regional_pay
    assert (
        'id="regional-pay"' not in buyer_client.get(reverse("recommendations:detail", args=[own.pk])).content.decode()
    )
    us = recommend(reference, organisation, buyer, "US hedge fund")
    assert not us.record.evaluation.cost.regional_pay


@pytest.mark.parametrize(("market", "said"), [("uk", "UK-wide median"), ("us", "US national median")])
def test_a_uk_or_us_buyer_is_told_the_in_house_pay_is_a_national_median_until_they_give_their_own(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, market: str, said: str
) -> None:
    # A London asset manager's credit analysts read £47,000, the UK-wide median, with nothing said about it.
    rec = answered(reference, organisation, buyer, "US hedge fund", home_market=market)
    assert rec.record.evaluation.cost.national_pay == market
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert 'id="national-pay"' in page and (
        f"In-house pay here is an estimate of the {said} for the occupation, to be checked against" in page
    )
    assert 'id="regional-pay"' not in page
    own = answered(
        reference, organisation, buyer, "US hedge fund", home_market=market, own_figures=True, own_inhouse_cost=115_000
    )
    assert own.record.evaluation.cost.national_pay == ""
    eu = answered(reference, organisation, buyer, "US hedge fund", home_market="eu")
    assert eu.record.evaluation.cost.national_pay == ""


def test_the_json_export_and_the_recommend_command_carry_the_documented_cost_fields(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, tmp_path: Path
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    exported = json.loads(buyer_client.get(reverse("recommendations:export_json", args=[rec.pk])).content)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(reference.golden_cases.get(name__startswith="US hedge fund").answers))
    out = StringIO()
    call_command("recommend", answers=str(answers), format="json", stdout=out)
    printed = json.loads(out.getvalue())
    for document in (exported, printed):
        assert document["schema_version"] == SCHEMA_VERSION == 4
        cost = document["evaluation"]["cost"]
        assert cost["currency"] == "USD" and cost["models"]
        for m in cost["models"]:
            assert set(m["tco"]) == {"one_time", "annual", "horizon"}
            for band in m["tco"].values():
                assert len(band) == 3 and band[0] <= band[1] <= band[2]
            assert all(key in m for key in TCO_FIELDS)
            assert 0 <= m["probability_saving"] <= 1
            assert m["break_even_month"] is None or 1 <= m["break_even_month"] <= 36
    assert printed["evaluation"]["cost"]["models"] == exported["evaluation"]["cost"]["models"]
    text = StringIO()
    call_command("recommend", answers=str(answers), stdout=text)
    assert "(likely, USD)" in text.getvalue() and "chance of a saving" in text.getvalue()


def test_a_model_dearer_than_in_house_is_shown_as_costing_more_never_as_a_saving(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    document = copy.deepcopy(recommend(reference, organisation, buyer, "US hedge fund").snapshot)
    dear = document["evaluation"]["cost"]["models"][0]
    inhouse = document["evaluation"]["cost"]["inhouse_horizon"][1]
    dear["tco"]["horizon"] = [inhouse * 1.1, inhouse * 1.2, inhouse * 1.3]
    dear.update(savings=[-inhouse * 0.3, -inhouse * 0.2, -inhouse * 0.1], extra_cost=True, probability_saving=0.02)
    rec = store(document, organisation=organisation, user=buyer, playbook=reference)
    section = cost_section(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    row = re.search(rf"<tr><th scope=\"row\">{re.escape(escape(dear['name']))}.*?</tr>", section, re.S)
    assert row is not None and "Costs more than in-house" in row.group(0)
    assert f"by {rec.record.evaluation.cost.amount(inhouse * 0.2)}" in row.group(0)
    memo = memo_html(rec)
    assert "Costs more than in-house" in memo and "Likely saving" not in memo


def test_compare_and_what_if_show_the_saving_as_a_distribution(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    us = recommend(reference, organisation, buyer, "US hedge fund")
    uk = recommend(reference, organisation, buyer, "UK wealth manager")
    rows = {row.what: row.values for row in comparison_rows([us, uk])}
    cost, saving = rows["Cost (likely)"], rows["Saving (total cost of ownership)"]
    assert "$" in cost[0] and "£" in cost[1]
    assert all("in 8 of 10" in v and "P10" not in v and "chance of a saving" in v for v in saving)  # in words


def test_a_version_3_recommendation_reads_and_renders_as_it_did(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    document = json.loads((FIXTURES / "snapshot_v3.json").read_text())
    record = read_snapshot(document)
    assert record.schema_version == 3
    cost = record.evaluation.cost
    assert cost.currency == "USD" and not cost.is_tco and cost.figures == () and cost.inhouse_lines == ()
    assert all(m.tco is None and m.probability_saving is None and not m.lines for m in cost.models)
    assert cost.top is not None and cost.top.hourly_rate.endswith("/h")
    rec = store(document, organisation=organisation, user=buyer, playbook=reference)
    section = cost_section(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "All figures US dollars." in section and "Chance of a saving" not in section
    for m in cost.models:
        assert f"${m.horizon[1]:,.0f}" in section
    exported = json.loads(buyer_client.get(reverse("recommendations:export_json", args=[rec.pk])).content)
    assert exported == {**document, "id": rec.pk, "verdict": rec.verdict, "fit_score": rec.fit_score}
    assert "Cost figures are US dollars" in memo_html(rec)


def test_a_project_without_a_count_is_priced_by_its_hours_and_never_said_to_lack_an_unasked_answer() -> None:
    args: dict[str, Any] = {
        **CATALOGUE,
        "model_codes": ["project", "captive-team"],
        "function_code": "equity-research",
        "annual_hours": None,
        "team_size": 4,
        "deliverables": None,
        "horizon_years": 3,
        "home_market": "us",
        "location_code": "india",
    }
    # With no count of deliverables the project is priced by its hours, asked or not.
    for asked in (False, True):
        cost = total_cost(**args, deliverables_asked=asked)
        assert not cost.skipped and [m.model for m in cost.models] == ["project", "captive-team"]
        project = cost.models[0]
        sized = next(i for i in project.inputs if i.label == "Priced by its hours, not per deliverable")
        assert sized.source.startswith("with no number of deliverables to price it by")
        assert not any(i.label.startswith("Deliverables") for i in project.inputs)
    # A quoted price per deliverable prices nothing without the count: the project is skipped, and the reason never
    # blames an answer the buyer was not asked for.
    quoted = {**args, "quoted_price": 20000}
    hidden = total_cost(**quoted, deliverables_asked=False)
    asked_for = total_cost(**quoted, deliverables_asked=True)
    ((name, why),) = hidden.skipped
    assert name == "Project-based engagement" and "not answered" not in why and "priced per deliverable" in why
    assert asked_for.skipped == (("Project-based engagement", "the number of deliverables a year is not answered"),)


def test_a_steady_four_person_team_over_three_years_gives_bot_dedicated_and_pool_three_explained_totals() -> None:
    def cost(people: int) -> Any:
        return total_cost(
            **CATALOGUE,
            model_codes=["captive-team", "bot", "shared-pool"],
            function_code="equity-research",
            annual_hours=None,
            team_size=people,
            deliverables=None,
            deliverables_asked=False,
            horizon_years=3,
            home_market="us",
            location_code="india",
        )

    four = cost(4)
    totals = {m.model: m.horizon[1] for m in four.models}
    assert len(totals) == 3 and len(set(totals.values())) == 3
    for m in four.models:
        assert m.lines and all(line.formula for line in m.lines)
        assert sum(line.horizon[1] for line in m.lines) == pytest.approx(m.horizon[1])
    bot = {line.label for line in next(m for m in four.models if m.model == "bot").lines}
    assert {"Set-up fee", "Transfer fee", "Your own centre after transfer (staff, entity, facilities, HR)"} <= bot
    # Savings vary with the case, and not in proportion to the head count (one-time costs are fixed).
    ten = cost(10)
    for a, b in zip(four.models, ten.models, strict=True):
        assert a.savings[1] * 10 / 4 != pytest.approx(b.savings[1])


def test_vendor_matching_reads_a_pound_cost_as_dollars_per_hour(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    from apps.vendors.matching import needs_from_snapshot

    record = recommend(reference, organisation, buyer, "UK wealth manager").record
    cost = record.evaluation.cost
    assert cost.currency == "GBP" and cost.top is not None and cost.annual_hours
    fx = next(f.likely for f in cost.figures if f.key == "fx")
    budget = needs_from_snapshot(record).hourly_budget
    assert budget is not None
    assert budget[1] == pytest.approx(cost.top.annual[1] / cost.annual_hours / fx, abs=0.01)


def test_the_cost_csv_has_every_line_total_saving_and_input_with_its_source(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    import csv

    rec = recommend(reference, organisation, buyer, "UK wealth manager")
    cost = rec.record.evaluation.cost
    response = buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(response.content.decode("utf-8-sig").splitlines()))
    kinds = {r["kind"] for r in rows}
    assert {"in-house", "one_time", "recurring", "total", "saving", "input"} <= kinds
    assert {r["currency"] for r in rows if r["kind"] not in ("input", "location")} == {"GBP"}
    # First, where the figures are priced from, which has no amount of its own (review 152).
    assert rows[0]["kind"] == "location" and rows[0]["item"] == "Delivered from" and not rows[0]["currency"]
    for m in cost.models:
        total = next(r for r in rows if r["option"] == m.name and r["kind"] == "total")
        assert float(total["likely"]) == pytest.approx(m.horizon[1], abs=0.01)
        saving = next(r for r in rows if r["option"] == m.name and r["kind"] == "saving")
        assert "probability of a saving" in saving["note"] or "costs more" in saving["note"]
    salary = next(r for r in rows if r["kind"] == "input" and r["item"] == "In-house salary per FTE-year")
    assert "ONS" in salary["note"] and "weak source: verify" in salary["note"]


def test_the_cost_csv_writes_every_input_as_stored_unrounded(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 144: wage growth of 0.025 / 0.035 / 0.045 read 0.03 / 0.04 / 0.04, and a rate of 0.9605 read 0.96.
    import csv

    rec = recommend(reference, organisation, buyer, "UK wealth manager")
    figures = rec.record.evaluation.cost.figures
    rows = list(
        csv.DictReader(
            buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk]))
            .content.decode("utf-8-sig")
            .splitlines()
        )
    )
    inputs = {r["item"]: r for r in rows if r["kind"] == "input" and r["option"] == "input"}
    assert len(inputs) == len({f.label for f in figures}) > 5
    fine = [
        f for f in figures if any(v is not None and round(float(v), 2) != float(v) for v in (f.low, f.likely, f.high))
    ]
    assert fine  # some input has more than two decimals, as the reference figures do
    for f in figures:
        row = inputs[f.label]
        for column, value in (("p10_or_low", f.low), ("likely", f.likely), ("p90_or_high", f.high)):
            if value is None:
                assert row[column] == "", (f.label, column)
                continue
            # As stored, to ten significant figures (a figure worked out from others read to its float's last digit,
            # review 148): a stored input such as 0.025 reads exactly.
            assert float(row[column]) == pytest.approx(float(value), rel=1e-9), (f.label, column)
            assert len(row[column].replace("-", "").replace(".", "").strip("0")) <= 10, row[column]
            if round(float(value), 4) == float(value):
                assert float(row[column]) == float(value), (f.label, column)
    assert not [r for r in inputs.values() for c in ("p10_or_low", "likely", "p90_or_high") if "e" in r[c].lower()]
