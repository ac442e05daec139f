"""A buyer that sets up its own offshore centre, with no provider (the expert's situation #11): the own captive
centre (GCC) leads, is costed with no provider fees, and the page says beside the verdict that this is offshoring,
not outsourcing. The same buyer who lets a provider build the centre still gets build-operate-transfer."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.conftest import recommend
from tests.recommendations.test_short_work import _lines, _text

pytestmark = pytest.mark.django_db
GCC = "US company with an entity in India: its own FP&A centre of 60"
OFFSHORING = "Setting up your own centre is offshoring, not outsourcing"
PROVIDER_LINES = ("Provider fees", "Set-up fee", "Transfer fee", "Contracting and due diligence")


def _evaluate(reference: Playbook, **changes: object) -> object:
    compiled = compiled_playbook(reference)
    raw = {**reference.golden_cases.get(name__startswith=GCC).answers, **changes}
    answers, problems = clean_answers(compiled.questions, raw)
    assert not problems
    return evaluate(compiled, answers)


def test_the_own_centre_leads_is_costed_without_a_provider_and_the_page_says_it_is_offshoring(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, GCC)
    ev = rec.record.evaluation
    assert ev.top is not None and ev.top.code == "own-centre" and ev.top.owned_by_buyer
    own = next(m for m in ev.cost.models if m.model == "own-centre")
    lines = _lines(own)
    assert not set(PROVIDER_LINES) & set(lines)
    entity = next(f for f in ev.cost.figures if f.key == "own.entity_cost")
    assert entity.likely == 0 and entity.supplied  # it already has an entity in India
    page = _text(buyer_client, rec.pk)
    assert "Best fit: Own captive centre (GCC)" in page and OFFSHORING in page


def test_without_an_entity_the_centre_counts_one_and_costs_more(reference: Playbook) -> None:
    def cost(**changes: object) -> float:
        ev = _evaluate(reference, **changes)
        return next(m for m in ev.cost.models if m.model == "own-centre").horizon[1]  # type: ignore[attr-defined]

    assert cost(own_entity=False) > cost()


def test_a_provider_building_the_centre_is_still_build_operate_transfer(reference: Playbook) -> None:
    for setup in ("provider-builds", None):
        ev = _evaluate(reference, centre_setup=setup, own_entity=None)
        assert ev.models[0].code == "bot", setup  # type: ignore[attr-defined]


def test_the_centre_is_in_the_country_of_its_entity_on_hours_the_buyer_sets(reference: Playbook) -> None:
    # An entity in India (the preferred region) and 2 h of overlap with US Eastern: the centre's own staff work a
    # shifted day, so India meets the overlap and the centre is delivered from there, not from Colombia.
    ev = _evaluate(reference)
    assert ev.delivered_from == "india"  # type: ignore[attr-defined]
    overlap = next(r for r in ev.requirements if r.code == "overlap")  # type: ignore[attr-defined]
    assert "your centre's own staff working a day moved up to 4 h" in overlap.text
    # Without an entity there, or when the buyer says its staff will not work shifted hours, the 09:00-17:00
    # day holds and India stays excluded for 0 h of overlap.
    assert _evaluate(reference, own_entity=False).delivered_from != "india"  # type: ignore[attr-defined]
    assert _evaluate(reference, shifted_hours=False).delivered_from != "india"  # type: ignore[attr-defined]


def test_an_own_centre_buyer_reads_no_provider_wording(reference: Playbook) -> None:
    ev = _evaluate(reference)
    texts = [r.title for r in ev.risks] + [c.text for c in ev.conditions]  # type: ignore[attr-defined]
    fired = {f.code for f in ev.fired}  # type: ignore[attr-defined]
    assert "A failure at your centre would disrupt a critical process" in texts
    assert not [t for t in texts if "provider" in t.lower() or "KPO" in t]
    assert not {"iso27001-assurance", "critical-work", "composite-risk", "high-asset-specificity-lock-in"} & fired
    assert not any(r.code.startswith("assurance:") for r in ev.requirements)  # type: ignore[attr-defined]
    # The same buyer letting a provider build the centre is asked for the provider's assurance and reads the
    # provider's risks.
    bot = _evaluate(reference, centre_setup="provider-builds", own_entity=None)
    bot_texts = [r.title for r in bot.risks]  # type: ignore[attr-defined]
    assert "A failure at the provider would disrupt a critical process" in bot_texts
    assert any(r.code == "assurance:iso27001" for r in bot.requirements)  # type: ignore[attr-defined]


def test_the_small_team_rules_about_bot_fees_skip_a_buyer_setting_up_its_own_centre(reference: Playbook) -> None:
    small = {"team_size": 10, "annual_hours": 20000, "core_differentiator": "core"}
    own = _evaluate(reference, **small)
    assert not own.blockers  # type: ignore[attr-defined]
    assert not {f.code for f in own.fired} & {"plan-to-own-small-team", "core-high-ip-small-team-to-own"}  # type: ignore[attr-defined]
    for setup in ("provider-builds", None):
        bot = _evaluate(reference, **small, centre_setup=setup, own_entity=None)
        assert bot.blockers, setup  # type: ignore[attr-defined]


NOT_CHOSEN = "You are not setting up a centre yourselves"


@pytest.mark.parametrize(
    ("case", "changes"),
    [
        ("New York company: FP&A", {}),  # never asked who sets up a centre: no plan to own one
        (GCC, {"centre_setup": "provider-builds", "own_entity": None}),  # a provider builds it
    ],
)
def test_a_buyer_not_setting_up_its_own_centre_does_not_read_that_among_the_reasons_for_its_verdict(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, case: str, changes: dict
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    answers = {code: value for code, value in answers.items() if value is not None}
    assessment = AssessmentFactory(
        organisation=organisation, created_by=buyer, title=case, playbook=reference, answers=answers
    )
    rec = submit_and_recommend(assessment=assessment, user=buyer)
    ev = rec.record.evaluation
    # The rule still ranks the own centre below every model the buyer can use, in every way of scoring...
    assert "own-centre-not-chosen" in {r.code for r in ev.fired}
    own = ev.models[-1]
    assert own.owned_by_buyer and [c.name for c in own.contributions] == [NOT_CHOSEN]
    assert all(m.score >= own.score for m in ev.models[:-1])  # last, on a tie too (the lighter commitment first)
    # ...and is listed beside that centre in the ranking, not among the reasons for the verdict.
    assert "own-centre-not-chosen" not in {r.code for r in ev.reasons}
    assert len(ev.reasons) == len(ev.fired) - 1
    page = _text(buyer_client, rec.pk)
    why = page[page.index(" Why ") : page.index("What would flip it")]
    assert NOT_CHOSEN not in why
    assert "A rule that only keeps a centre of your own below the models you can use is listed beside that" in why
    assert f"Moved by: {NOT_CHOSEN} (-40)" in page


def test_a_buyer_setting_up_its_own_centre_reads_every_rule_among_the_reasons(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, GCC)
    ev = rec.record.evaluation
    assert ev.top is not None and ev.top.owned_by_buyer
    assert ev.reasons == ev.fired
    assert "listed beside that centre" not in _text(buyer_client, rec.pk)
