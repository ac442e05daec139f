"""A team larger than the catalogue's launch times are for is moved as a team (review 152): sixty or five hundred
analysts on steady work were to start within a month as a project, launched in a month and breaking even in month 1.
Such a team launches no sooner than the cost assumptions' ``launch_at_scale`` months whatever the model; when that
leaves no model, none is recommended, the start date is a trade-off, and no cost is made up."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.compiler import requirement_rules
from apps.playbooks.engine.evaluate import NO_MODEL_COST, NO_MODEL_FITS
from apps.playbooks.engine.single import outcome
from apps.playbooks.engine.types import Catalogue
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CENTRE = "UK bank: its own credit-analysis centre of 120, set up with no provider"
MOVED = "a team larger than 50 people is moved as a team, which takes about 3 months"


def _team(people: int, start: str) -> dict[str, object]:
    return {"team_size": people, "annual_hours": people * 1800, "start_within": start}


def test_sixty_people_within_a_month_leaves_no_model_and_says_so(reference: Playbook) -> None:
    ev = evaluated_case(reference, CENTRE, **_team(60, "within-month"))
    assert ev.models and all(m.excluded_because for m in ev.models)
    project = next(m for m in ev.models if m.code == "project")
    assert any(MOVED in why and "for a team of up to 50 people" in why for why in project.excluded_because)
    assert NO_MODEL_FITS.text in {c.text for c in ev.conditions}
    # The cost prices the model a later start frees, from its own launch, alone (review 159: "not estimated"), not
    # "no price for this function", and no model that cannot start is priced as if it could.
    assert ev.cost.available and [m.model for m in ev.cost.models] == ["own-centre"]
    assert ev.cost.reason != NO_MODEL_COST
    (start,) = [c for c in ev.conflicts if c.kind == "start"]
    assert start.text.startswith("No engagement model can start within 1 month for a team of 60: a team larger than 50")
    texts = [o.text for o in start.options]
    assert texts[0] == "Start later and go with Own captive centre (GCC)"
    assert "Start in about 3 months with" in texts[1]
    # A first team now only as a model the answers favour (review 155: a project at -10 points was offered).
    quick = {m.code: m.score for m in ev.models if m.code in ("project", "shared-pool")}
    first = [t for t in texts if t.startswith("Start within 1 month with a first team of up to 50 people as ")]
    assert bool(first) == any(score > 0 for score in quick.values()), (texts, quick)
    # The verdict's fit is the work's, not the date's: the fast outcome agrees with the explained one.
    compiled = compiled_playbook(reference)
    assert outcome(compiled, ev.answers).top_model == ev.top_model


def test_up_to_fifty_people_launch_as_the_catalogue_says(reference: Playbook) -> None:
    ev = evaluated_case(reference, CENTRE, **_team(50, "within-month"))
    usable = [m for m in ev.models if not m.excluded_because]
    assert usable and usable[0].code in {"project", "shared-pool"}
    assert not [c for c in ev.conflicts if c.kind == "start"] and NO_MODEL_FITS.text not in {
        c.text for c in ev.conditions
    }
    assert ev.cost.available


def test_sixty_people_in_one_to_three_months_go_to_a_team_not_a_project(reference: Playbook) -> None:
    ev = evaluated_case(reference, CENTRE, **_team(60, "one-to-three"))
    top = next(m for m in ev.models if not m.excluded_because)
    assert top.code in {"staff-augmentation", "captive-team"}, top.code
    assert ev.cost.available and not [c for c in ev.conflicts if c.kind == "start"]


def test_a_playbook_frozen_without_the_scale_keeps_its_launch_times(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    cat = compiled.catalogue
    assert any(r.code.endswith(":larger-team") for r, _ in compiled.rules)
    older = Catalogue(
        models=cat.models,
        functions=cat.functions,
        locations=cat.locations,
        regimes=cat.regimes,
        cost_assumptions={k: v for k, v in cat.cost_assumptions.items() if k != "launch_at_scale"},
    )
    rules = requirement_rules(compiled.questions, compiled.roles, older, 0)
    assert rules and not [r for r in rules if r.code.endswith(":larger-team")]


def test_the_page_and_the_memo_name_no_model(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=CENTRE).answers, **_team(500, "within-month")}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    verdict = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.split('id="no-model"')[1].split("</p>")[0]))
    assert "No engagement model can be used as your answers stand: each breaks a requirement you set" in verdict
    assert "Best fit:" not in page and 'href="#tradeoffs"' in page.split('id="no-model"')[1].split("</p>")[0]
    assert "No engagement model can start within 1 month for a team of 500" in page
    memo = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", render_memo_html(rec, "http://testserver/"))))
    assert "No engagement model can be used as the answers stand" in memo and "Recommended:" not in memo
    assert memo.count("No engagement model can start within 1 month for a team of 500") == 1  # review 155: twice
    # Review 159: the model a later start frees is costed, and every place its figures appear says so.
    said = (
        "No model can start by the date you gave, so that prices Own captive centre (GCC) from its own launch, as if "
        "the work started when it can: the start-date trade-off says when."
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert said in text and said in memo
    assert "Likely cost, Own captive centre (GCC), started when it can" in memo and "not estimated" not in memo
    assert "(your start date rules it out: costed from its own launch, as the" in text
    rows = buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode("utf-8-sig")
    saving = next(line for line in rows.splitlines() if ',"Saving against in-house","saving",' in line)
    assert saving.startswith('"Own captive centre (GCC)"') and "your start date rules it out" in saving


def test_one_off_or_seasonal_work_is_staffed_from_a_bench_not_moved_as_a_team(reference: Playbook) -> None:
    # Review 155: a one-off 8-week job for sixty people was to start in 3 months, "moved as a team".
    compiled = compiled_playbook(reference)
    for changes in (
        {"volume_pattern": "one-off", "duration_weeks": 8, "horizon": 1},
        {"volume_pattern": "seasonal", "peak_share": 60},
        # The duration and peak share are follow-ups a buyer may skip: the shape of demand says it alone.
        {"volume_pattern": "one-off", "horizon": 1},
        {"volume_pattern": "one-off", "horizon": 2},
    ):
        ev = evaluated_case(reference, CENTRE, **_team(60, "within-month"), **changes)
        assert not [c for c in ev.conflicts if c.kind == "start"], changes
        assert not any(MOVED in why for m in ev.models for why in m.excluded_because), changes
        assert outcome(compiled, ev.answers).top_model == ev.top_model
    steady = evaluated_case(reference, CENTRE, **_team(60, "within-month"), volume_pattern="steady")
    assert [c for c in steady.conflicts if c.kind == "start"]
    # Answered, the shape of demand decides: steady work given its 52 weeks is still moved as a team (review 163).
    year = evaluated_case(
        reference, CENTRE, **_team(300, "within-month"), volume_pattern="steady", horizon=1, duration_weeks=52
    )
    assert [c for c in year.conflicts if c.kind == "start"]
    assert outcome(compiled, year.answers).top_model == year.top_model


def test_what_would_flip_names_no_model_still_ruled_out_and_the_nearest_team_size(reference: Playbook) -> None:
    # Review 155: with every model ruled out by the start date, changes that left them ruled out read "BOT would rank
    # first", and "15 people" was offered where 50 gives the same result.
    from apps.playbooks.engine import clean_answers, evaluate
    from apps.playbooks.engine.counterfactuals import what_would_flip

    compiled = compiled_playbook(reference)
    ev = evaluated_case(reference, CENTRE, **_team(500, "within-month"))
    flips = what_would_flip(compiled, ev.answers)
    assert flips
    for f in flips:
        if not f.flips_model:
            continue
        changed = dict(ev.answers)
        for c in f.changes:
            changed[c.question] = c.value
        answers, _ = clean_answers(compiled.questions, {k: v for k, v in changed.items() if v is not None})
        after = evaluate(compiled, answers)
        top = next(m for m in after.models if m.code == f.top_model)
        assert not top.excluded_because, f.sentence({})
    teams = [c.value for f in flips for c in f.changes if c.question == "team_size"]
    assert teams and max(teams) == 50, teams
    # The changes that free a model are among them (review 156: a later start was crowded out by ruled-out ones).
    assert any(c.question == "start_within" for f in flips for c in f.changes)


def test_the_review_page_says_no_model_can_start_before_submitting(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=CENTRE).answers, **_team(60, "within-month")}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    review = html.unescape(buyer_client.get(reverse("questionnaire:review", args=[a.pk])).content.decode())
    checks = re.sub(r"\s+", " ", review.split('id="answer-checks"')[1].split("</div>")[0])
    assert "No engagement model can start within 1 month for a team of 60" in checks
    assert "answer a later start or a smaller team to have one" in checks and "#q-start_within" in checks
    assert "#q-team_size" in checks  # review 161: the smaller team named but not linked
    later = AssessmentFactory(
        organisation=organisation, created_by=buyer, playbook=reference, answers={**answers, "team_size": 50}
    )
    page = html.unescape(buyer_client.get(reverse("questionnaire:review", args=[later.pk])).content.decode())
    assert "No engagement model can start" not in page


def test_lint_refuses_the_demand_pattern_role_without_one_off_or_seasonal() -> None:
    from tests.playbooks.test_tco_buyer_figures import findings, has, q

    words = "the 'demand_pattern' role needs a single-choice question with the options 'one-off' or 'seasonal'"
    steady = findings(
        lambda d: q(d).append({"code": "x", "kind": "single", "role": "demand_pattern", "options": [{"code": "a"}]})
    )
    assert has(steady, "error", "x", words), steady
    ok = {"code": "x", "kind": "single", "role": "demand_pattern", "options": [{"code": "one-off"}, {"code": "b"}]}
    assert findings(lambda d: q(d).append(ok)) == []


def test_a_later_start_that_frees_the_first_model_is_a_flip(reference: Playbook) -> None:
    # Review 161: with sixty analysts to start within a month no model could be used; a start in 1 to 3 months frees
    # the dedicated team, which stays first, so the flip list never named the trade-off's own way out.
    from apps.playbooks.engine.counterfactuals import what_would_flip

    compiled = compiled_playbook(reference)
    ev = evaluated_case(reference, "UK buyer: financial analysis for a UK retailer", **_team(60, "within-month"))
    assert all(m.excluded_because for m in ev.models)
    flips = what_would_flip(compiled, ev.answers)
    starts = [f for f in flips if f.changes[0].question == "start_within"]
    assert [(f.changes[0].value, f.frees_model) for f in starts] == [("one-to-three", True)], starts
    names = {code: {"name": m["name"]} for code, m in compiled.catalogue.models.items()}
    assert (
        starts[0]
        .sentence(names)
        .endswith(f"{names[starts[0].top_model]['name']} could be used: no requirement you set would rule it out.")
    )
    # A result with a usable model lists no such change.
    usable = evaluated_case(reference, "UK buyer: financial analysis for a UK retailer", **_team(60, "one-to-three"))
    assert not [f for f in what_would_flip(compiled, usable.answers) if f.frees_model]


def test_of_two_start_dates_giving_the_same_result_the_nearer_is_listed(reference: Playbook) -> None:
    # Review 161: "In 1 to 3 months" and "In 3 to 6 months", both making staff augmentation rank first, were listed.
    from apps.playbooks.engine.counterfactuals import what_would_flip

    # 150 people, moved as one team (more than 200 move in waves, and no start in 1 to 3 months frees a model).
    ev = evaluated_case(reference, CENTRE, **_team(150, "within-month"))
    flips = what_would_flip(compiled_playbook(reference), ev.answers)
    starts = {
        f.changes[0].value: (f.top_model, f.frees_model) for f in flips if f.changes[0].question == "start_within"
    }
    # A later start frees the own centre the answers favour; a start in 1 to 3 months puts staff augmentation first,
    # and 3 to 6 months, giving the same, is not listed beside it.
    assert starts == {"later": ("own-centre", True), "one-to-three": ("staff-augmentation", False)}, starts


def test_the_later_start_that_frees_a_model_is_priced_from_its_launch(reference: Playbook) -> None:
    # Review 159: "KPO wins, on conditions" with every model ruled out by the start date read no figure anywhere.
    ev = evaluated_case(reference, "UK buyer: financial analysis for a UK retailer", **_team(60, "within-month"))
    assert ev.cost.available and [m.model for m in ev.cost.models] == ["captive-team"]
    (start,) = [c for c in ev.conflicts if c.kind == "start"]
    later = start.options[0]
    assert later.text == "Start later and go with Dedicated team at the provider"
    assert "; priced from its own launch, Dedicated team at the provider likely costs £" in later.costs
    assert later.costs.endswith(", as the cost section prices it")
    (priced,) = ev.cost.models  # the option's figure is the cost section's
    assert ev.cost.amount(priced.horizon[1]) in later.costs
    # The figure is that model's own cost when a later start makes it usable.
    freed = evaluated_case(reference, "UK buyer: financial analysis for a UK retailer", **_team(60, "one-to-three"))
    top = next(m for m in freed.cost.models if m.model == "captive-team")
    from apps.common.formatting import money, significant

    amount = money(significant(top.horizon[1], freed.cost.significant_figures), freed.cost.currency)
    assert f"likely costs {amount} over " in later.costs, (later.costs, amount)


def test_the_verdict_says_no_model_can_be_used(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 164: a plain "KPO wins" headed the page, the memo and compare above "No engagement model can be used".
    retailer = "UK buyer: financial analysis for a UK retailer"
    answers = {**reference.golden_cases.get(name__startswith=retailer).answers, **_team(60, "within-month")}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert rec.verdict != "doesnt_win" and rec.record.evaluation.no_model_usable
    label = rec.get_verdict_display()
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    heading = re.sub(r"<[^>]+>", "", page.split('id="verdict-title">')[1].split("</h2>")[0])
    assert heading.startswith(f"{label} (but no engagement model can be used as answered"), heading
    memo = html.unescape(render_memo_html(rec, "http://testserver/"))
    assert f"{label} (but no engagement model can be used as answered" in memo
    other = submit_and_recommend(
        assessment=AssessmentFactory(
            organisation=organisation,
            created_by=buyer,
            playbook=reference,
            answers={**answers, **_team(10, "within-month")},
        ),
        user=buyer,
    )
    compared = html.unescape(
        buyer_client.get(reverse("recommendations:compare"), {"ids": [rec.pk, other.pk]}).content.decode()
    )
    assert f"{label} (but no engagement model can be used as answered)" in compared
    # Review 167: its cost marked as in the page and the memo.
    assert ", started when it can: £" in compared


def test_a_team_of_hundreds_moves_in_waves_and_says_so(reference: Playbook) -> None:
    # Review 164: 1,000 to 5,000 analysts read as moved in the 3 months one team's transition takes. Review 168: read
    # as 12 months before any work could start, every model was ruled out; the first wave starts as any team does.
    compiled = compiled_playbook(reference)
    for people in (1000, 5000):
        ev = evaluated_case(reference, CENTRE, **_team(people, "three-to-six"))
        assert [m for m in ev.models if not m.excluded_because], people
        (risk,) = [r for r in ev.risks if "moves in waves" in r.title]
        assert risk.title == f"A team of {people:,} people moves in waves, not at once"
        assert "a first wave of up to about 200 people, the largest team moved as one, can start when the model" in (
            risk.mitigation
        )
        assert "the whole team takes about 12 months (the 12 to 24 months' ramp-up" in risk.mitigation
        assert outcome(compiled, ev.answers).top_model == ev.top_model
    # Up to 200 people, a team is moved as one.
    two_hundred = evaluated_case(reference, CENTRE, **_team(200, "three-to-six"))
    assert not [r for r in two_hundred.risks if "moves in waves" in r.title]
