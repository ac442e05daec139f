"""Hard requirements rank delivery locations: a location breaking one is never first, the verdict's
"delivered from" meets them all, and conflicts with preferences are named as trade-offs to decide."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from apps.recommendations.snapshot import read_snapshot
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def submit(reference: Playbook, organisation: Organisation, user: User, case: str, **changes: Any) -> Recommendation:
    answers = {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    a = AssessmentFactory(organisation=organisation, created_by=user, title=case, playbook=reference, answers=answers)
    return submit_and_recommend(assessment=a, user=user)


def india_lover(reference: Playbook, organisation: Organisation, user: User) -> Recommendation:
    """A US buyer who needs 4 h of overlap with US Eastern, prefers India, wants overnight turnaround and
    sends California personal data."""
    return submit(
        reference,
        organisation,
        user,
        "New York company: FP&A",
        overlap_hours=4,
        preferred_region="india",
        overnight_turnaround=True,
        data_categories=["california-personal"],
    )


def test_a_us_buyer_needing_4_hours_overlap_who_prefers_india_never_sees_india_first(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = india_lover(reference, organisation, buyer)
    ev = read_snapshot(rec.snapshot).evaluation
    assert ev.locations[0].code != "india"
    india = next(loc for loc in ev.locations if loc.code == "india")
    # India has the most points (preference and overnight turnaround) but breaks the overlap.
    assert india.score == max(loc.score for loc in ev.locations)
    assert india.excluded_because == ("India overlaps 0 h with your working day; you need 4 h",)
    assert all(not loc.excluded_because for loc in ev.locations[: len(ev.eligible_locations)])
    assert ev.delivered_from == ev.locations[0].code and ev.delivery_location is not None
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert f"delivered from <strong>{ev.delivery_location.name}</strong>" in page
    assert "delivered from <strong>India</strong>" not in page
    assert "Excluded: breaks a requirement" in page
    assert "India overlaps 0 h with your working day; you need 4 h" in page
    assert "At least 4 h a day of overlap with the US Eastern working day" in page
    # The excluded are listed most points first (review 48: a score of 5 after one of -10).
    scores = [loc.score for loc in ev.excluded_locations]
    assert len(scores) > 1 and scores == sorted(scores, reverse=True)
    listed = page[page.index("Excluded: breaks a requirement") :]
    assert [listed.index(f"<strong>{loc.name}</strong>") for loc in ev.excluded_locations] == sorted(
        listed.index(f"<strong>{loc.name}</strong>") for loc in ev.excluded_locations
    )


def test_the_conflict_between_overlap_and_preferring_india_is_a_named_trade_off_with_options(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = india_lover(reference, organisation, buyer)
    ev = read_snapshot(rec.snapshot).evaluation
    codes = [c.code for c in ev.conflicts]
    assert codes == ["preferred_region:overlap", "overnight_turnaround:overlap"]
    region = ev.conflicts[0]
    assert len(region.options) == 2 and all(o.costs for o in region.options)
    # The day named gives the 4 h asked for in both seasons: a US Eastern day is 10 h behind India's on the
    # catalogue's offsets, half an hour either side as US summer time comes and goes.
    assert region.options[1].text == (
        "Deliver from India on a working day moved 6.5 h later (about 15:30–23:30 local time) to give at least 4 h of "
        "overlap all year"
    )
    # "Keep the requirement" names where the result delivers from, not another location that also fits.
    where = next(loc.name for loc in ev.locations if loc.code == ev.delivered_from)
    assert region.options[0].text.endswith(f"and deliver from {where}")
    assert ev.conflicts[1].options[0].text == f"Keep the overlap and deliver from {where}"
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "Trade-offs to decide" in page
    assert "You prefer India, which breaks “At least 4 h a day of overlap with the US Eastern working day”." in page
    assert (
        "Costs: a day moved further than the 4 h the product counts as workable (an evening or early-morning shift)"
        in page
    )
    assert "night-shift premium" not in page


def test_dpdp_follows_where_data_is_processed_not_a_preference_for_india(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    preferred_only = india_lover(reference, organisation, buyer)
    assert "dpdp" not in {r.code for r in read_snapshot(preferred_only.snapshot).evaluation.regimes}
    # Delivered from India (little overlap needed, overnight turnaround): DPDP applies without a preference.
    delivered = submit(
        reference,
        organisation,
        buyer,
        "New York company: FP&A",
        overlap_hours=0,
        overnight_turnaround=True,
        data_categories=["california-personal"],
    )
    ev = read_snapshot(delivered.snapshot).evaluation
    assert ev.delivered_from == "india"
    assert "dpdp-foreign-data" in {r.code for r in ev.regimes}


def test_assurances_are_listed_only_when_the_buyer_requires_them(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    soc2_only = submit(reference, organisation, buyer, "US hedge fund", vendor_assurance=["soc2"])
    ev = read_snapshot(soc2_only.snapshot).evaluation
    assert {r.code for r in ev.regimes} >= {"soc2"} and "iso27001" not in {r.code for r in ev.regimes}
    assert [r.text for r in ev.requirements if r.kind == "assurance"] == ["The provider holds a SOC 2 Type II report"]
    page = buyer_client.get(reverse("recommendations:detail", args=[soc2_only.pk])).content.decode()
    assert "ISO/IEC 27001:2022 certification" not in page
    undecided = submit(reference, organisation, buyer, "US hedge fund", vendor_assurance=["none"])
    codes = {r.code for r in read_snapshot(undecided.snapshot).evaluation.regimes}
    assert not codes & {"soc2", "iso27001"}


def test_a_snapshot_stored_before_requirements_renders_as_before(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = india_lover(reference, organisation, buyer)
    snapshot = json.loads(json.dumps(rec.snapshot))
    for key in ("requirements", "preferences", "conflicts", "delivered_from"):
        del snapshot["evaluation"][key]
    for loc in snapshot["evaluation"]["locations"]:
        del loc["excluded_because"]
    # As it was stored before: India first by points.
    snapshot["evaluation"]["locations"].sort(key=lambda loc: -loc["score"])
    old = Recommendation.objects.get(pk=rec.pk)
    old.pk = None
    old.snapshot = snapshot
    old.assessment = rec.assessment.__class__.objects.create(
        organisation=organisation,
        created_by=buyer,
        title="old",
        playbook=reference,
        status="submitted",
        submitted_at=rec.assessment.submitted_at,
    )
    old.save()
    ev = read_snapshot(snapshot).evaluation
    assert ev.delivery_location is not None and ev.delivery_location.code == "india"
    page = buyer_client.get(reverse("recommendations:detail", args=[old.pk])).content.decode()
    assert "delivered from <strong>India</strong>" in page
    assert "Trade-offs to decide" not in page and "Excluded: breaks a requirement" not in page


def test_equal_points_go_first_to_a_location_the_personal_data_reaches_without_a_transfer_tool(
    reference: Playbook,
) -> None:
    """A French buyer's EU personal data, with locations tied on points: the tie goes to a location inside the
    EEA (or adequate), not by name to one needing SCCs, a transfer impact assessment and its own data law."""
    from apps.playbooks.engine import evaluate
    from apps.playbooks.runtime import compiled_playbook

    pb = compiled_playbook(reference)
    answers = {
        "function": "clinical-data",
        "work_nature": "judgement",
        "codifiability": "high",
        "quality_measurable": "objective",
        "process_documented": "documented",
        "buyer_sector": "other",
        "core_differentiator": "commodity",
        "ip_sensitivity": "medium",
        "asset_specificity": "moderate",
        "own_team_plan": False,
        "volume_pattern": "steady",
        "annual_hours": 16_000,
        "team_size": 8,
        "horizon": 4,
        "delivery_ownership": "provider-outcome",
        "mgmt_hours": 3,
        "prior_outsourcing": "bpo",
        "pilot_possible": True,
        "client_jurisdictions": ["eu"],
        "data_categories": ["eu-personal"],
        "data_onshore_only": False,
        "buyer_location": "eu",
        "overlap_hours": 2,
        "overnight_turnaround": True,
        "onsite_presence": "never",
        "licensed_signoff": ["none"],
        "home_market": "eu",
        "vendor_assurance": ["soc2"],
        "preferred_region": "no-preference",
    }
    ev = evaluate(pb, answers)
    assert "gdpr" in [r.code for r in ev.regimes]
    top = ev.locations[0]
    tied = [loc for loc in ev.locations if loc.score == top.score and not loc.excluded_because]
    assert len(tied) > 1, "the situation must tie for the tie-break to be tested"
    assert {loc.gdpr_transfer for loc in tied} & {"needs_sccs"}, "a tied location needing SCCs"
    assert top.gdpr_transfer != "needs_sccs"
    assert ev.delivered_from == top.code
    assert "dpdp" not in [r.code for r in ev.regimes]
    # Without personal data to transfer, the tie goes to more overlap with the buyer's day up to the 2 h needed, then
    # the lower cost.
    plain = evaluate(pb, {**answers, "data_categories": ["none"], "client_jurisdictions": ["us"]})
    eligible = [loc for loc in plain.locations if not loc.excluded_because]
    keys = [
        (-loc.score, -min(loc.overlap_uk or 0, 2), pb.catalogue.locations[loc.code]["cost_index"]) for loc in eligible
    ]
    assert keys == sorted(keys)
    assert len({k[0] for k in keys}) < len(keys), "some locations must tie on points for the tie-break to be tested"


def test_a_singapore_buyer_is_sent_where_the_working_days_overlap_not_by_the_alphabet(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submit(reference, organisation, buyer, "Singapore bank", preferred_region="no-preference")
    ev = read_snapshot(rec.snapshot).evaluation
    # Every location ties on points: the Philippines shares Singapore's clock, Argentina is 11 hours away.
    assert ev.delivered_from == "philippines"
    argentina = next(loc for loc in ev.locations if loc.code == "argentina")
    assert argentina.overlap_yours == 0 and argentina.excluded_because
    assert ev.delivery_candidates == ()
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "delivered from <strong>the Philippines</strong>" in page
    assert "Overlap with your day" in page and "Overlap US Eastern" not in page
    assert "India overlaps 5.5 h with your working day; you need 6 h" in page


def test_an_eastern_canadian_buyer_gets_the_us_eastern_nearshore_ranking(reference: Playbook) -> None:
    from apps.playbooks.engine import evaluate
    from apps.playbooks.runtime import compiled_playbook

    case = reference.golden_cases.get(name__startswith="Toronto life insurer")
    ev = evaluate(compiled_playbook(reference), case.answers)
    assert ev.delivered_from == "colombia"
    assert "us-some-overlap" in [r.code for r in ev.fired]
    assert ev.delivery_candidates == ()


def test_a_buyer_elsewhere_needing_overlap_is_given_candidates_not_one_location(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submit(reference, organisation, buyer, "Singapore bank", buyer_location="other")
    ev = read_snapshot(rec.snapshot).evaluation
    assert ev.delivery_candidates and ev.delivery_candidates[0] == ev.delivered_from
    assert [loc.code for loc in ev.candidate_locations] == list(ev.delivery_candidates)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "no delivery location was ranked on your time zone" in page
    assert "delivered from <strong>" not in page
    assert "No location is ranked on your time zone." in page
    # Without an overlap need, time zone does not matter to the buyer: one location is named.
    plain = read_snapshot(
        submit(reference, organisation, buyer, "Singapore bank", buyer_location="other", overlap_hours=0).snapshot
    ).evaluation
    assert plain.delivery_candidates == () and plain.delivery_location is not None


def test_a_us_buyer_accepting_shifted_hours_gets_india_when_it_wins_on_points(reference: Playbook) -> None:
    from apps.playbooks.engine import evaluate
    from apps.playbooks.runtime import compiled_playbook

    case = reference.golden_cases.get(name__startswith="Pittsburgh manufacturer")
    pb = compiled_playbook(reference)
    ev = evaluate(pb, case.answers)
    assert ev.delivered_from == "india"
    india = next(loc for loc in ev.locations if loc.code == "india")
    assert india.overlap_yours == 2 and not india.excluded_because
    # The same buyer on a plain 09:00-17:00 day: India is excluded for 0 h.
    plain = evaluate(pb, {**case.answers, "shifted_hours": False})
    assert plain.delivered_from != "india"
    # The same team in Chicago, an hour behind New York: India's evening reaches its day for 1 h, short of the 2.
    chicago = evaluate(pb, {**case.answers, "buyer_us_zone": "central"})
    india = next(loc for loc in chicago.locations if loc.code == "india")
    assert india.overlap_yours == 1 and india.excluded_because and chicago.delivered_from != "india"
    assert any("US Central (UTC−6, −5 in summer) working day" in r.text for r in chicago.requirements)


def test_a_law_firm_wanting_outcomes_but_needing_its_lawyers_sign_off_sees_managed_services_ruled_out(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submit(reference, organisation, buyer, "US law firm that would like the review provider to commit")
    ev = read_snapshot(rec.snapshot).evaluation
    assert ev.models[0].code != "managed-services" and rec.top_model == ev.models[0].code
    managed = next(m for m in ev.models if m.code == "managed-services")
    assert managed.score == max(m.score for m in ev.models)  # the most points, but ruled out
    assert managed.excluded_because and ev.models[-1].code == "managed-services"
    assert "licensed_signoff" in {r.code for r in ev.requirements}
    assert "managed-services" not in {m.model for m in ev.cost.models}
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "Ruled out by a requirement you set:" in page
    assert "A licensed professional signs off onshore" in page


def test_models_ruled_out_are_listed_last_with_a_line_saying_their_points_do_not_order_them(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 52 read the ruled-out models as out of order: the engine ranks those breaking fewer of the buyer's
    # requirements first, so managed services (10 points, two requirements broken) follows BOT (-10) here.
    rec = submit(reference, organisation, buyer, "Frankfurt law firm: the same review")
    ev = read_snapshot(rec.snapshot).evaluation
    out = [m for m in ev.models if m.excluded_because]
    assert ev.models_ruled_out == len(out) > 1 and ev.models[-len(out) :] == tuple(out)
    assert [m.score for m in out] != sorted((m.score for m in out), reverse=True)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "The models a requirement rules out come last, not in the order of their points." in page
    # One ruled out model needs the line only when it has more points than a model listed above it (review 120:
    # managed services at +20, ruled out, under an own centre at -40).
    single = submit(reference, organisation, buyer, "US law firm that would like the review provider to commit")
    one = read_snapshot(single.snapshot).evaluation
    assert one.models_ruled_out == 1
    (out,) = [m for m in one.models if m.excluded_because]
    page = buyer_client.get(reverse("recommendations:detail", args=[single.pk])).content.decode()
    above = out.score > min(m.score for m in one.models if not m.excluded_because)
    assert ("not in the order of their points" in page) is above is one.models_out_of_points_order
    amlaw = submit(reference, organisation, buyer, "AmLaw 200 firm: steady e-discovery review")
    ev = read_snapshot(amlaw.snapshot).evaluation
    assert ev.models_ruled_out == 1 and ev.models_out_of_points_order  # managed services at 10, above an own centre
    page = buyer_client.get(reverse("recommendations:detail", args=[amlaw.pk])).content.decode()
    assert "The models a requirement rules out come last, not in the order of their points." in page


def test_a_us_team_on_pacific_time_reads_each_overlap_reason_with_its_own_days_figure(reference: Playbook) -> None:
    from apps.playbooks.engine import evaluate
    from apps.playbooks.runtime import compiled_playbook

    answers = reference.golden_cases.get(name__startswith="Textbook KPO: steady market analytics").answers
    seattle = evaluate(compiled_playbook(reference), {**answers, "buyer_us_zone": "pacific", "overlap_hours": 2})
    texts = {loc.code: [c.text for c in loc.contributions if "overlaps a 09:00" in c.text] for loc in seattle.locations}
    # Poland meets a New York team's afternoon by 2 h, and a Seattle team's day not at all: said beside the rule.
    assert texts["poland"] == [
        "Poland overlaps a 09:00–17:00 US Eastern day by 2 h; your need is checked on your own day: with your US "
        "Pacific day, 0 h"
    ]
    poland = next(loc for loc in seattle.locations if loc.code == "poland")
    assert poland.overlap_yours == 0 and poland.excluded_because
    # Where the two days give the same figure nothing is added.
    mexico = next(loc for loc in seattle.locations if loc.code == "mexico")
    assert mexico.overlap_yours == mexico.overlap_us and not any("your US Pacific day" in t for t in texts["mexico"])
    new_york = evaluate(compiled_playbook(reference), {**answers, "buyer_us_zone": "eastern", "overlap_hours": 2})
    assert not any("with your" in c.text for loc in new_york.locations for c in loc.contributions)


def test_locations_equal_on_the_shifted_day_rank_by_their_overlap_on_a_plain_one(reference: Playbook) -> None:
    from apps.playbooks.engine import evaluate
    from apps.playbooks.runtime import compiled_playbook

    answers = reference.golden_cases.get(name__startswith="Textbook KPO: steady market analytics").answers
    seattle = evaluate(
        compiled_playbook(reference),
        {**answers, "buyer_us_zone": "pacific", "overlap_hours": 6, "shifted_hours": True},
    )
    ranked = {loc.code: (i, loc) for i, loc in enumerate(seattle.locations)}
    (mexico_at, mexico), (colombia_at, colombia) = ranked["mexico"], ranked["colombia"]
    # Both reach 8 h of a Seattle day on shifted hours; Mexico City is an hour nearer on a plain day, where it gives
    # the 6 h needed and Bogotá does not.
    assert mexico.overlap_yours == colombia.overlap_yours == 8 and mexico.score == colombia.score
    assert mexico_at < colombia_at
    # Needing 4 h, both plain days give them: overlap beyond the hours needed buys nothing, and the cheaper comes first.
    four = evaluate(
        compiled_playbook(reference),
        {**answers, "buyer_us_zone": "pacific", "overlap_hours": 4, "shifted_hours": True},
    )
    codes = [loc.code for loc in four.locations]
    assert codes.index("colombia") < codes.index("mexico")


def test_overlap_beyond_the_hours_needed_does_not_rank_a_dearer_location_first(reference: Playbook) -> None:
    """Review 99: a UK buyer's Poland (7 h of a UK day) ranked before India (4.5 h) on equal points, though both gave
    the hours needed and India cost far less. Overlap counts up to the hours needed; beyond them the cost decides,
    and short of them the location giving more comes first."""
    from apps.playbooks.engine import evaluate
    from apps.playbooks.runtime import compiled_playbook

    pb = compiled_playbook(reference)
    answers = {
        **reference.golden_cases.get(name__startswith="Textbook KPO: steady market analytics").answers,
        "function": "engineering-design",
        "buyer_location": "uk",
        "home_market": "uk",
        "client_jurisdictions": ["uk"],
        "data_categories": ["none"],
        "preferred_region": "no-preference",
    }
    answers.pop("buyer_us_zone", None)
    for need in (2, 3):
        ev = evaluate(pb, {**answers, "overlap_hours": need})
        scores = {loc.code: loc.score for loc in ev.locations}
        assert scores["india"] == scores["poland"] == max(scores.values())
        assert ev.delivered_from == "india"
        index = {code: float(pb.catalogue.locations[code]["cost_index"]) for code in ("india", "poland")}
        assert index["india"] < index["poland"]
    # Needing 5 h, India (4.5 h) breaks the requirement and ranks after every location meeting it.
    five = evaluate(pb, {**answers, "overlap_hours": 5})
    assert five.delivered_from != "india"
    assert next(loc for loc in five.locations if loc.code == "india").excluded_because


def test_when_every_model_is_ruled_out_the_page_says_none_can_be_used_and_numbers_none(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 109: "1. Dedicated team … ruled out" read as a recommendation, and the order explained nothing.
    # A start within a month and someone in the office every day: no model can do both.
    rec = submit(
        reference,
        organisation,
        buyer,
        "Frankfurt law firm: the same review",
        start_within="within-month",
        onsite_presence="daily",
    )
    assert all(m.excluded_because for m in read_snapshot(rec.snapshot).evaluation.models)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert 'id="models-all-ruled-out"' in page and "not in the order of their points" not in page
    first = read_snapshot(rec.snapshot).evaluation.models[0].name
    assert f'<h3 class="card__title">{first}</h3>' in page and f"1. {first}" not in page
    # Where a model is left, the list is numbered as before.
    left = buyer_client.get(
        reverse(
            "recommendations:detail",
            args=[submit(reference, organisation, buyer, "Frankfurt law firm: the same review").pk],
        )
    ).content.decode()
    assert 'id="models-all-ruled-out"' not in left and '<h3 class="card__title">1. ' in left
