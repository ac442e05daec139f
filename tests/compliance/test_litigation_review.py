"""A US firm's document review for litigation in a US court reads the case's protective order and Federal Rule of
Evidence 502: the provider's reviewers are checked against the order (signed undertakings where it requires them)
and a Rule 502(d) order is asked for before review starts, a condition, not a gate. The question is optional, asked
only about legal review sent out by US lawyers; a UK disclosure review and a contract review do not read it."""

from __future__ import annotations

from typing import Any

import pytest

from apps.compliance.models import Regime
from apps.playbooks.engine import clean_answers
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
SEASONAL = "US law firm: seasonal first-level document review"
AMLAW = "AmLaw 200 firm: steady e-discovery review"
LONDON = "London law firm: disclosure review for Commercial Court litigation"
UK_CONTRACTS = "UK law firm: one-off contract review for an acquisition"
RULE = "us-litigation-review-fre-502"
FRE502 = "https://www.law.cornell.edu/rules/fre/rule_502"
FRCP26 = "https://www.law.cornell.edu/rules/frcp/rule_26"
PROTECTIVE_ORDER = "Federal Rules of Civil Procedure, Rule 26(c)(1); the case's protective order"
CONDITION = (
    "Check the protective order and ESI stipulation allow the provider's reviewers, with signed undertakings where"
    " they require them, and ask for a Rule 502(d) order before review starts (Fed. R. Civ. P. 26(c)(1);"
    " Fed. R. Evid. 502(d))"
)


@pytest.mark.parametrize("case", [SEASONAL, AMLAW])
def test_a_us_firms_litigation_review_reads_rule_502_and_the_protective_order(reference: Playbook, case: str) -> None:
    ev = evaluated_case(reference, case)

    assert "us-fre-502" in ev.regime_codes and "aba-08-451" in ev.regime_codes
    duties = obligations(ev, "us-fre-502")
    assert duties["rule-502d-order"] == ("Federal Rules of Evidence, Rule 502(d)-(e)", FRE502, "secondary")
    assert duties["reasonable-steps"][:2] == (
        "Federal Rules of Evidence, Rule 502(b); Federal Rules of Civil Procedure, Rule 26(b)(5)(B)",
        FRE502,
    )
    assert duties["check-protective-order"][:2] == (PROTECTIVE_ORDER, FRCP26)
    assert duties["signed-undertakings"][:2] == (PROTECTIVE_ORDER, FRCP26)
    regime = next(r for r in ev.regimes if r.code == "us-fre-502")
    assert regime.confidence == "secondary" and regime.effective_date == "2008-09-19"
    assert "(Rule 502(b))" in regime.summary and "(Rule 502(d))" in regime.summary
    assert {phase for phase, _label, _items in regime.obligations} == {"before_signing", "in_contract", "during"}


@pytest.mark.parametrize("case", [SEASONAL, AMLAW])
def test_settling_the_orders_is_a_condition_with_a_risk_not_a_gate(reference: Playbook, case: str) -> None:
    ev = evaluated_case(reference, case)

    assert [c.text for c in ev.conditions if c.rule == RULE] == [CONDITION]
    assert not [g for g in ev.gates if g.rule == RULE]
    assert not [c for c in ev.fit_contributions if c.rule == RULE]
    assert "The case's protective order may not let the provider's reviewers see designated documents" in {
        r.title for r in ev.risks
    }


@pytest.mark.parametrize(
    ("case", "changes"),
    [
        (SEASONAL, {"legal_us_litigation_review": False}),
        (SEASONAL, {"legal_us_litigation_review": None}),
        (LONDON, {}),
        (UK_CONTRACTS, {}),
        (AMLAW, {"legal_us_lawyers": False}),
    ],
    ids=["us-review-not-for-litigation", "unanswered", "uk-disclosure-review", "uk-contract-review", "no-us-lawyers"],
)
def test_other_reviews_do_not_read_it(reference: Playbook, case: str, changes: dict[str, Any]) -> None:
    ev = evaluated_case(reference, case, **changes)

    assert "us-fre-502" not in ev.regime_codes
    assert not [c for c in ev.conditions if c.rule == RULE]


def test_the_question_is_optional_and_asked_of_legal_review_by_us_lawyers(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    question = compiled.questions["legal_us_litigation_review"]
    assert not question.required and not question.fixed

    def shown(**changes: Any) -> bool:
        given = {**reference.golden_cases.get(name__startswith=AMLAW).answers, **changes}
        answers, problems = clean_answers(compiled.questions, {k: v for k, v in given.items() if v is not None})
        assert not problems
        return "legal_us_litigation_review" in visibility(compiled, answers).questions

    assert shown()
    assert not shown(legal_us_lawyers=False)
    assert not shown(function="financial-analysis", legal_us_lawyers=None, legal_client_consent=None)


def test_the_conflict_check_carries_the_nyc_bar_opinions_own_date(reference: Playbook) -> None:
    ev = evaluated_case(reference, AMLAW)
    regime = next(r for r in ev.regimes if r.code == "aba-08-451")
    dates = {o["code"]: (o["citation"], o["effective_date"]) for _p, _l, items in regime.obligations for o in items}

    assert dates["conflict-checks"] == ("NYC Bar Formal Op. 2006-3", "2006-08-01")
    assert dates["client-consent"][1] == "2008-08-05"
    assert "the day unverified" in Regime.objects.get(code="aba-08-451").confidence_note
    assert [s.get("date") for s in regime.sources if "2006-3" in s["title"]] == ["2006-08"]


def test_the_penalties_are_the_courts_sanctions_and_waiver_under_rule_502a(reference: Playbook) -> None:
    penalties = Regime.objects.get(code="us-fre-502").penalties

    assert "37(b)" not in penalties and penalties.endswith("(Rule 502(a)).")
