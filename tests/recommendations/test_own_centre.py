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
from apps.recommendations.memo import render_memo_html
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
    assert "Find providers" not in page  # no provider is hired; the same buyer with a provider still has the link


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
    assert "A failure at your centre would disrupt a process you depend on" in texts
    assert not [t for t in texts if "provider" in t.lower() or "KPO" in t]
    assert not {"iso27001-assurance", "critical-work", "composite-risk", "high-asset-specificity-lock-in"} & fired
    assert not any(r.code.startswith("assurance:") for r in ev.requirements)  # type: ignore[attr-defined]
    # The same buyer letting a provider build the centre is asked for the provider's assurance and reads the
    # provider's risks.
    bot = _evaluate(reference, centre_setup="provider-builds", own_entity=None)
    bot_texts = [r.title for r in bot.risks]  # type: ignore[attr-defined]
    assert "A failure at the provider would disrupt a process you depend on" in bot_texts
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
    contents = page.index("Comments", page.index("On this page"))  # past the page's list of its sections
    why = page[page.index(" Why ", contents) : page.index("What would flip it", contents)]
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


# Situations of the same buyer: with and without an entity, a small team, a regulated bank (US and EU, with EU
# personal data), and one that cannot run a pilot, has written nothing down and has never outsourced.
VARIANTS: dict[str, dict[str, object]] = {
    "golden": {},
    "no entity": {"own_entity": False},
    "small team": {"team_size": 10, "annual_hours": 20000},
    "US bank": {"buyer_sector": "bank", "buyer_regulated_in": "us", "critical_function": True},
    "EU bank": {
        "buyer_sector": "bank", "buyer_regulated_in": "eu", "critical_function": True, "ict_services": False,
        "buyer_location": "eu", "home_market": "eu", "client_jurisdictions": ["eu"], "data_categories": ["eu-personal"],
    },
    "UK bank": {
        "buyer_sector": "bank", "buyer_regulated_in": "uk", "critical_function": True, "buyer_location": "uk",
        "home_market": "uk", "client_jurisdictions": ["uk"], "data_categories": ["uk-personal"],
    },
    "no pilot": {"pilot_possible": False, "prior_outsourcing": "none", "process_documented": "undocumented"},
    "US health insurer": {
        "buyer_sector": "insurer", "buyer_regulated_in": "us", "critical_function": False, "data_categories": ["phi"],
        "hipaa_role": "covered-entity", "medicaid_offshore": "none", "phi_deidentify": False,
    },
}  # fmt: skip
PROVIDER_WORDS = ("provider", "before signing", "service level", "paid pilot", "vendor", "kpo")


def _advice(ev: object) -> list[str]:
    """Every risk (title and mitigation), condition and open gate the buyer reads."""
    risks = [f"{r.title}: {r.mitigation}" for r in ev.risks]  # type: ignore[attr-defined]
    return risks + [c.text for c in ev.conditions] + [g.text for g in ev.gates]  # type: ignore[attr-defined]


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_risk_condition_and_gate_an_own_centre_buyer_reads_is_worded_for_its_own_staff(
    reference: Playbook, variant: str
) -> None:
    ev = _evaluate(reference, **VARIANTS[variant])
    worded_for_a_provider = [t for t in _advice(ev) if any(w in t.lower() for w in PROVIDER_WORDS)]
    assert not worded_for_a_provider, variant


def test_an_own_centre_buyer_keeps_its_own_staff_and_pilots_with_a_first_cohort(reference: Playbook) -> None:
    ev = _evaluate(reference, **VARIANTS["no pilot"])
    text = " ".join(_advice(ev))
    assert "Write the centre's own retention plan before hiring" in text
    assert "(Zedtreeo's red flag)" in text  # the 80% figure keeps its source
    assert "Hire a first cohort before the full team" in text
    assert "assign work product to your local entity on creation" in text
    pilot = _evaluate(reference)
    assert [c.rule for c in pilot.conditions] == ["pilot-first-own-centre"]  # type: ignore[attr-defined]
    assert pilot.conditions[0].text.startswith("Start the centre with a first cohort of your own hires")  # type: ignore[attr-defined]
    # The fit points of the pilot stay the same whoever runs it.
    bot = _evaluate(reference, centre_setup="provider-builds", own_entity=None)
    points = {c.rule: c.points for c in pilot.fit_contributions}  # type: ignore[attr-defined]
    bot_points = {c.rule: c.points for c in bot.fit_contributions}  # type: ignore[attr-defined]
    assert points["pilot-first-own-centre"] == bot_points["pilot-first"] == 5


def test_a_regulated_buyer_s_own_centre_is_checked_with_its_regulator_not_stated_as_outsourcing(
    reference: Playbook,
) -> None:
    eu_firm = {**VARIANTS["EU bank"], "buyer_sector": "investment-firm"}
    for changes, rule in ((eu_firm, "critical-function-outsourcing-own-centre"),
                          (VARIANTS["US bank"], "critical-function-outsourcing-elsewhere-own-centre")):  # fmt: skip
        ev = _evaluate(reference, **changes)
        risk = next(r for r in ev.risks if r.rule == rule)  # type: ignore[attr-defined]
        assert risk.title == "A critical function moves to your own offshore entity"
        assert "entity of your" in risk.mitigation


def test_an_eu_insurer_s_own_centre_is_outsourcing_under_solvency_ii_with_the_supervisors_notice_a_duty(
    reference: Playbook,
) -> None:
    insurer = {**VARIANTS["EU bank"], "buyer_sector": "insurer"}
    ev = _evaluate(reference, **insurer)
    fired = {f.code for f in ev.fired}  # type: ignore[attr-defined]
    assert "critical-function-outsourcing-own-centre-eu-insurer" in fired
    assert "critical-function-outsourcing-own-centre" not in fired
    (gate,) = [g.text for g in ev.gates if "supervisor" in g.text]  # type: ignore[attr-defined]
    assert gate.startswith("the notice to your supervisor of outsourcing a critical or important function to your own")
    assert "Solvency II Art. 49(3)" in gate
    risk = next(r for r in ev.risks if r.title == "A critical function moves to your own offshore entity")  # type: ignore[attr-defined]
    assert "Art. 13(28)" in risk.mitigation and "Ask your regulator" not in risk.mitigation
    # An EU bank's centre is outsourcing under the EBA's guidelines, which cover a group's own entities: a duty too.
    bank = _evaluate(reference, **VARIANTS["EU bank"])
    assert "critical-function-outsourcing-own-centre-eu-bank" in {f.code for f in bank.fired}  # type: ignore[attr-defined]
    (notice,) = [g.text for g in bank.gates if "supervisor" in g.text]  # type: ignore[attr-defined]
    assert "(EBA/GL/2019/02 para. 59)" in notice
    risk = next(r for r in bank.risks if r.title == "A critical function moves to your own offshore entity")  # type: ignore[attr-defined]
    assert "Title I, section 2" in risk.mitigation and "Ask your regulator" not in risk.mitigation
    # The rules asking for a regulator's view no longer cite the UK's texts to an EU or Australian buyer.
    for changes in (
        {**VARIANTS["EU bank"], "buyer_sector": "investment-firm"},
        {**VARIANTS["EU bank"], "buyer_regulated_in": "australia"},
    ):
        fired = [
            f
            for f in _evaluate(reference, **changes).fired  # type: ignore[attr-defined]
            if f.code.startswith("critical-function-outsourcing-own-centre")
        ]
        assert len(fired) == 1 and "SS2/21" not in fired[0].rationale and "SYSC" not in fired[0].rationale


def test_a_uk_bank_s_own_centre_is_outsourcing_for_the_pra_and_the_result_says_so(reference: Playbook) -> None:
    ev = _evaluate(reference, **VARIANTS["UK bank"])
    risk = next(r for r in ev.risks if r.title == "A critical function moves to your own offshore entity")  # type: ignore[attr-defined]
    assert risk.rule == "critical-function-outsourcing-own-centre-pra"
    assert "PRA SS2/21 para. 3.3" in risk.mitigation and "Ask your regulator" not in risk.mitigation
    assert [g.text for g in ev.gates][0].startswith("the notice to the PRA")  # type: ignore[attr-defined]
    assert "pra-ss2-21" in {r.code for r in ev.regimes}  # type: ignore[attr-defined]
    # A UK firm the PRA does not supervise is still asked to check with its regulator.
    firm = _evaluate(reference, **{**VARIANTS["UK bank"], "buyer_sector": "investment-firm"})
    other = next(r for r in firm.risks if r.title == "A critical function moves to your own offshore entity")  # type: ignore[attr-defined]
    assert other.rule == "critical-function-outsourcing-own-centre-uk" and "Ask your regulator" in other.mitigation


def test_a_covered_entity_s_own_centre_signs_its_business_associate_agreement_with_its_own_entity(
    reference: Playbook,
) -> None:
    ev = _evaluate(reference, **VARIANTS["US health insurer"])
    assert "hipaa" in {r.code for r in ev.regimes}  # type: ignore[attr-defined]
    fired = {r.code for r in ev.fired}  # type: ignore[attr-defined]
    assert "hipaa-phi-own-centre" in fired and "hipaa-phi" not in fired
    assert any(c.text.startswith("Sign a business associate agreement with your own entity") for c in ev.conditions)  # type: ignore[attr-defined]
    # The same buyer with a provider keeps the provider's agreement.
    bot = _evaluate(reference, **VARIANTS["US health insurer"], centre_setup="provider-builds", own_entity=None)
    assert "Sign a business associate agreement (BAA) before any PHI moves" in [c.text for c in bot.conditions]  # type: ignore[attr-defined]


@pytest.mark.parametrize("setup", ["provider-builds", None])
def test_a_buyer_with_a_provider_still_reads_the_provider_s_terms(reference: Playbook, setup: str | None) -> None:
    ev = _evaluate(reference, **VARIANTS["no pilot"], centre_setup=setup, own_entity=None)
    text = " ".join(_advice(ev))
    assert "Require monthly retention reporting, a replacement service level of 7 to 14 days" in text
    assert "Negotiate a short first term or a termination-for-convenience window" in text
    assert "choose governing law and arbitration that can be enforced against the offshore entity" in text
    assert not [r for r in ev.fired if r.code.endswith("-own-centre")]  # type: ignore[attr-defined]


def test_the_entity_is_read_as_being_in_the_preferred_region_and_saves_its_cost_only_there(
    reference: Playbook,
) -> None:
    def own_centre(**changes: object) -> tuple[str, float, float]:
        ev = _evaluate(reference, **changes)
        entity = next(f for f in ev.cost.figures if f.key == "own.entity_cost")  # type: ignore[attr-defined]
        horizon = next(m for m in ev.cost.models if m.model == "own-centre").horizon[1]  # type: ignore[attr-defined]
        return ev.delivered_from, entity.likely, horizon  # type: ignore[attr-defined]

    where, entity, cost = own_centre()
    assert (where, entity) == ("india", 0)  # the entity in India, the region it favours
    # With no region favoured the product cannot place the entity: delivered from India all the same (2 h of
    # overlap on a shifted day), the entity's running cost is counted, as for a buyer with none.
    where, entity, unplaced = own_centre(preferred_region="no-preference")
    assert entity > 0 and (where, unplaced) == own_centre(own_entity=False, shifted_hours=True)[::2]
    assert unplaced > cost
    question = compiled_playbook(reference).questions["own_entity"]
    assert question.prompt == "Do you already have a legal entity in the delivery region you favour?"


OWN_CLAUSES = [
    "Employment contracts and IP",
    "Intra-group services agreement",
    "Security and ISO 27001 scope",
    "Incident reporting",
    "People",
]


def test_the_memo_gives_an_own_centre_its_own_agreements_a_first_cohort_and_a_take_back_plan(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = recommend(reference, organisation, buyer, GCC)
    guidance = rec.record.guidance
    assert guidance is not None
    assert [c.title for c in guidance.clauses] == OWN_CLAUSES
    scope = next(c for c in guidance.clauses if c.title == "Security and ISO 27001 scope")
    assert "ISO/IEC 27001:2022, clause 4.3" in scope.text and scope.source.url == "https://www.iso.org/standard/27001"
    assert guidance.pilot.scope.startswith("Financial analysis, FP&A and financial close: a first cohort of your own")
    assert guidance.pilot.transition.startswith("Allow 9 to 14 months") and guidance.pilot.transition_weak
    assert [t.measure for t in guidance.pilot.thresholds] == ["Quality", "Cost", "Retention"]
    cost = guidance.pilot.thresholds[1].scale_if
    assert cost.startswith("The first cohort's effective cost puts a full year at or under $") and "/h" not in cost
    assert [g.title for g in guidance.exit] == [
        "Documentation in the parent's systems",
        "Taking the work back",
        "Closing or selling the centre",
    ]
    memo = render_memo_html(rec, "http://testserver/")
    assert "a KPO contract should also settle" not in memo and "provider shows" not in memo
    assert "Exit plan: taking the work back or closing the centre" in memo


def test_a_provider_built_centre_s_memo_keeps_the_provider_contract(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=GCC).answers, "centre_setup": "provider-builds"}
    answers.pop("own_entity")
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    guidance = rec.record.guidance
    assert guidance is not None
    titles = [c.title for c in guidance.clauses]
    assert "Liability and disputes" in titles and not set(OWN_CLAUSES[:4]) & set(titles)
    assert "Transfer option" in [g.title for g in guidance.exit]
    assert "Find providers" in _text(buyer_client, rec.pk)


# Answers that open nearly every follow-up question to a buyer setting up its own centre: legal, tax, health,
# export-controlled and EU personal data, licensed sign-off, an EU bank, one-off work and its own cost figures.
EVERYTHING = {
    "function": "legal-review", "buyer_sector": "bank", "buyer_regulated_in": "eu", "critical_function": True,
    "ict_services": False, "volume_pattern": "one-off", "deliverables": 4, "client_jurisdictions": ["us", "eu"],
    "data_categories": ["phi", "eu-personal", "tax-returns", "privileged-legal", "export-controlled"],
    "licensed_signoff": ["attorney"], "signoff_capacity": "yes", "legal_us_lawyers": True,
    "legal_client_consent": "can-obtain", "tax_preparer": True, "tax_consent": "can-obtain", "own_figures": True,
}  # fmt: skip
# Asked of an own-centre buyer on purpose: a provider's quote prices the provider models its centre is compared
# with (the quote's help says so), never the centre itself.
ABOUT_A_PROVIDER_S_QUOTE = {"quoted_rate", "quoted_price"}


def test_every_question_an_own_centre_buyer_is_asked_reads_for_its_own_centre_too(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    ev = _evaluate(reference, **EVERYTHING)
    asked = set(ev.visible) - ABOUT_A_PROVIDER_S_QUOTE  # type: ignore[attr-defined]
    assert {"centre_setup", "legal_client_consent", "tax_consent", "signoff_capacity", "hipaa_role"} <= asked
    assert "vendor_assurance" not in asked  # a provider's assurance: not asked of a buyer with no provider
    for_a_provider_only = [
        compiled.questions[code].prompt
        for code in asked
        if "provider" in compiled.questions[code].prompt.lower() and "own" not in compiled.questions[code].prompt
    ]
    assert not for_a_provider_only


def test_a_provider_s_quote_prices_the_models_an_own_centre_is_compared_with_never_the_centre(
    reference: Playbook,
) -> None:
    def costs(**changes: object) -> tuple[dict[str, float], dict[str, bool]]:
        cost = _evaluate(reference, **changes).cost  # type: ignore[attr-defined]
        return {m.model: m.horizon[1] for m in cost.models}, {f.key: f.supplied for f in cost.figures}

    (benchmark, _), (quoted, supplied) = costs(), costs(own_figures=True, quoted_rate=20)
    assert not supplied["own-centre.rate"]  # the centre still starts from the catalogue's rate
    # The quote changes the simulation's seed, so the centre's likely cost moves by sampling noise only.
    assert quoted["own-centre"] == pytest.approx(benchmark["own-centre"], rel=0.01)
    compared = set(benchmark) - {"own-centre"}
    assert compared and all(supplied[f"{code}.rate"] for code in compared)
    assert all(quoted[code] < 0.9 * benchmark[code] for code in compared)  # a $20 quote, below the benchmark


def test_core_specific_work_counts_against_a_provider_but_not_against_a_centre_of_ones_own(reference: Playbook) -> None:
    # Core work and know-how specific to the buyer are kept in-house or in a captive the buyer owns: a centre it sets up
    # itself is that captive, so neither takes points off the fit. When the work must start within 6 months, before
    # such a centre could launch, a provider does it first and both count as they do for a provider.
    core = {"core_differentiator": "core", "asset_specificity": "high"}
    own = _evaluate(reference, **core, start_within="later")
    provider = _evaluate(
        reference, **core, start_within="later", own_team_plan=False, centre_setup=None, own_entity=None
    )
    soon = _evaluate(reference, **core, start_within="three-to-six")
    fired = {f.code: f for f in own.fired}  # type: ignore[attr-defined]
    assert {"core-work-own-centre", "high-asset-specificity-own-centre"} <= set(fired)
    assert not {"core-work", "high-asset-specificity"} & set(fired)
    assert fired["core-work-own-centre"].fit_points == fired["high-asset-specificity-own-centre"].fit_points == 0
    assert {"core-work", "high-asset-specificity"} <= {f.code for f in provider.fired}  # type: ignore[attr-defined]
    assert {"core-work-provider-before-own-centre", "high-asset-specificity-provider-before-own-centre"} <= {
        f.code
        for f in soon.fired  # type: ignore[attr-defined]
    }
    # 20 points apart: the own centre's fit is what the provider's would be without the two rules' -10 each.
    assert own.fit_score - soon.fit_score == 20  # type: ignore[attr-defined]
    assert own.models[0].code == "own-centre"  # type: ignore[attr-defined]


def test_a_team_counts_for_the_team_rules_only_with_the_hours_to_keep_it(reference: Playbook) -> None:
    # 30 people answered for 2,000 hours a year is one person's work: no rule for a team of 15 or more, or of five
    # or more kept busy, reads the headcount alone.
    big = _evaluate(reference, team_size=30, annual_hours=40_000, centre_setup="provider-builds", own_entity=None)
    thin = _evaluate(reference, team_size=30, annual_hours=2_000, centre_setup="provider-builds", own_entity=None)
    team_rules = {"plan-to-own-at-scale", "steady-team-volume"}
    assert team_rules <= {f.code for f in big.fired}  # type: ignore[attr-defined]
    assert not team_rules & {f.code for f in thin.fired}  # type: ignore[attr-defined]


def test_when_the_favoured_centre_cannot_start_in_time_what_to_do_instead_says_so(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # The own centre is favoured but cannot launch within 6 months, and the models that can fit too little: the page
    # points to the trade-off instead of saying only that too little of the work suits a provider.
    weak = {
        "core_differentiator": "core", "asset_specificity": "high", "ip_sensitivity": "high",
        "codifiability": "partial", "quality_measurable": "subjective", "prior_outsourcing": "none",
        "process_documented": "partly", "start_within": "three-to-six",
    }  # fmt: skip
    answers = {**reference.golden_cases.get(name__startswith=GCC).answers, **weak}
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Too soon", playbook=reference, answers=answers
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert rec.record.evaluation.verdict == "doesnt_win" and rec.record.evaluation.favoured_model_ruled_out
    instead = _text(buyer_client, rec.pk).split("What to do instead")[2]
    assert instead.startswith(" Nothing rules KPO out, but the model your answers favour cannot meet what you require")
    assert "suits a specialist provider" not in instead.split("What would flip it")[0]
