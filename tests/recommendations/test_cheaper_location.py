"""Locations rank on fit, not on cost: when another location meets every requirement too and the recommended
model would likely cost materially less from there, the result says so beside the verdict and in the cost,
with the fit it gives up and the transfer tool it needs, and stores it with the recommendation."""

from __future__ import annotations

import csv
import html
import importlib
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.evaluate import CHEAPER_MATERIAL_SHARE, Evaluation
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.cost_caveat import cheaper_location_text, cost_caveat, dated_rate_text
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_answers, evaluated_case

pytestmark = pytest.mark.django_db
OWN_CENTRE = "UK manufacturer: a 300-person finance operations centre it plans to own"
TEXTBOOK = "Textbook KPO: a US fund's steady equity research"


def _evaluated(reference: Playbook, case: str, **changes: object) -> Evaluation:
    return evaluated_case(reference, case, **changes)


def test_a_cheaper_location_meeting_every_requirement_is_priced_beside_the_one_ranked_first(
    reference: Playbook,
) -> None:
    ev = _evaluated(reference, OWN_CENTRE)
    cheaper = ev.cost.cheaper_location
    assert ev.delivered_from == "poland" and cheaper is not None
    assert cheaper.location == "india" and cheaper.model == ev.models[0].code == "bot"
    india = next(loc for loc in ev.locations if loc.code == "india")
    assert not india.excluded_because  # it meets every requirement the buyer set
    assert cheaper.points_behind == ev.locations[0].score - india.score > 0
    assert cheaper.needs_transfer_tool  # UK and EU personal data, and India needs SCCs or the IDTA
    top = next(m for m in ev.cost.models if m.model == "bot")
    assert cheaper.delivered_saving == top.savings[1]  # the likely saving, as the cost caveat reads it
    assert ev.cost.inhouse_horizon is not None
    assert cheaper.savings[1] - top.savings[1] >= CHEAPER_MATERIAL_SHARE * ev.cost.inhouse_horizon[1]
    assert cheaper.horizon[0] <= cheaper.horizon[1] <= cheaper.horizon[2]


def test_none_is_named_when_the_work_is_already_delivered_from_the_cheapest_location_that_meets_them(
    reference: Playbook,
) -> None:
    ev = _evaluated(reference, TEXTBOOK)
    assert ev.cost.available and ev.cost.cheaper_location is None


def test_the_result_page_the_memo_and_the_stored_record_say_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    a = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        playbook=reference,
        answers=reference.golden_cases.get(name=OWN_CENTRE).answers,
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    record = rec.record
    stored = record.evaluation
    assert stored.cost.cheaper_location is not None and stored.cost.cheaper_location.location == "india"
    sentence = cheaper_location_text(stored)
    assert sentence.startswith("India also meets every requirement you set and ranks ")
    assert "from Poland" in sentence and "transfer tool" in sentence
    caveat = cost_caveat(stored)
    assert caveat is not None and caveat.text.endswith(sentence + dated_rate_text(stored.cost))
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert 'id="cheaper-location"' in page and page.count(sentence) == 2  # beside the verdict and in the cost
    assert sentence in html.unescape(render_memo_html(rec, "http://testserver/"))
    # The cost CSV says where its figures are priced from, and carries the cheaper location's own (review 152).
    rows = list(
        csv.DictReader(
            io.StringIO(
                buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode("utf-8-sig")
            )
        )
    )
    (where,) = [r for r in rows if r["kind"] == "location"]
    assert where["item"] == "Delivered from" and where["note"].startswith("Poland:")
    cheaper = stored.cost.cheaper_location
    name = f"{cheaper.model_name} from India"
    (total,) = [r for r in rows if r["kind"] == "alternative_total"]
    (saving,) = [r for r in rows if r["kind"] == "alternative_saving"]
    assert total["option"] == saving["option"] == name
    assert float(total["likely"]) == round(cheaper.horizon[1], 2) and float(saving["likely"]) == round(
        cheaper.savings[1], 2
    )
    assert f"{cheaper.points_behind} points behind on fit; needs a transfer tool" in saving["note"]


def test_the_cheaper_location_has_the_figures_the_whole_cost_from_there_gives(reference: Playbook) -> None:
    """Only compared, never shown, the cheaper location is simulated for its total and saving alone: they are the
    figures the whole cost of the same model from there gives."""
    engine = importlib.import_module("apps.playbooks.engine.evaluate")  # the module: the package exports the function
    ev = _evaluated(reference, OWN_CENTRE)
    cheaper = ev.cost.cheaper_location
    assert cheaper is not None
    compiled = compiled_playbook(reference)

    def role(name: str) -> object:
        code = compiled.roles.get(name)
        return ev.answers.get(code) if code else None

    whole = engine._cost(compiled, [cheaper.model], role, ev.visible, cheaper.location)
    there = next(m for m in whole.models if m.model == cheaper.model)
    assert there.tco is not None
    assert cheaper.horizon == there.tco.horizon
    assert cheaper.savings == there.savings
    assert cheaper.probability_saving == there.probability_saving


# A public body's research analytics (review 38's case). On equal points, transfer status and overlap, the buyer's
# stated preference now decides before the price: a US body preferring the Philippines ties with India there, and
# the Philippines comes first, with India priced beside it as the cheaper location.
UK_UNIVERSITY = {
    "function": "market-research-analytics",
    "buyer_sector": "public-body",
    "buyer_location": "us",
    "buyer_us_zone": "eastern",
    "home_market": "us",
    "client_jurisdictions": ["us"],
    "data_categories": [],
    "work_nature": "judgement",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 3,
    "start_within": "three-to-six",
    "delivery_ownership": "our-managers",
    "mgmt_hours": 4,
    "prior_outsourcing": "none",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 0,
    "shifted_hours": True,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "own_figures": False,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "philippines",
    "work_language": "none",
    "annual_hours": 6000,
    "team_size": 4,
}


def test_a_tie_goes_to_the_region_the_buyer_prefers_before_the_price(reference: Playbook) -> None:
    ev = evaluated_answers(reference, UK_UNIVERSITY)
    philippines, india = (next(loc for loc in ev.locations if loc.code == c) for c in ("philippines", "india"))
    assert philippines.score == india.score and philippines.preferred and not india.preferred
    assert philippines.overlap_yours == india.overlap_yours
    assert ev.delivered_from == "philippines"  # India's lower cost index alone put it first


def test_a_preferred_location_first_on_a_tie_says_why_beside_the_cheaper_one(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=UK_UNIVERSITY)
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    cheaper = ev.cost.cheaper_location
    assert ev.delivered_from == "philippines"
    assert cheaper is not None and cheaper.location == "india" and cheaper.points_behind == 0
    sentence = cheaper_location_text(ev)
    assert "ties with the Philippines on fit (the Philippines comes first: it is in the region you prefer)" in sentence


def test_the_transfer_tool_and_overlap_still_decide_a_tie_before_the_preference(reference: Playbook) -> None:
    # A UK body with UK personal data: Poland (adequate for the UK) and the preferred India tie, and Poland, needing
    # no IDTA, comes first; India is priced beside it, with the transfer tool it would need (review 38).
    uk = {"buyer_location": "uk", "buyer_us_zone": None, "home_market": "uk", "client_jurisdictions": ["uk"]}
    uk["overlap_hours"] = 3
    ev = evaluated_answers(
        reference,
        UK_UNIVERSITY,
        **uk,
        preferred_region="india",
        data_categories=["uk-personal"],
        sensitive_personal_data=["special-category"],
        nhs_patient_data=False,
    )
    india, poland = (next(loc for loc in ev.locations if loc.code == c) for c in ("india", "poland"))
    assert india.score == poland.score and india.preferred
    assert ev.delivered_from == "poland"
    assert ev.cost.cheaper_location is not None and ev.cost.cheaper_location.location == "india"
    assert ev.cost.cheaper_location.needs_transfer_tool
    # Without personal data, the preferred Philippines ties with India, which overlaps a UK day more and comes first.
    ev = evaluated_answers(reference, UK_UNIVERSITY, **{**uk, "overlap_hours": 0})
    assert ev.delivered_from == "india"
