"""An occupational pension fund regulated in the EU reads IORP II's outsourcing article (Directive (EU) 2016/2341
Art. 31); one in the Netherlands also the Pensions Act's art. 34 and the notice to De Nederlandsche Bank. A pension
fund is asked, as banks and insurers are, whether the work supports a critical or important function and, in the EU,
whether the provider runs technology for it (DORA covers occupational pension funds). Telling the pension supervisor
is a condition the fund fulfils itself, not a gate. A UK pension scheme reads none of this and no notice gate."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import SourceHost
from apps.compliance.models import Regime
from apps.playbooks.engine import clean_answers
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
FUND = "Dutch pension fund: investment research and portfolio analytics"
IORP = "https://eur-lex.europa.eu/eli/dir/2016/2341/oj"
PW34 = "https://wetten.overheid.nl/jci1.3:c:BWBR0020809&artikel=34"
NOTICE = (
    "Tell your pension supervisor of the outsourcing before the agreement enters into force, and later of any"
    " important development in it (Directive (EU) 2016/2341 Art. 31(6))"
)
PENSION_RULES = ("critical-function-outsourcing-eu-pension-fund", "critical-function-outsourcing-uk-pension-scheme")
UK_SCHEME = {
    "buyer_location": "uk",
    "buyer_regulated_in": "uk",
    "home_market": "uk",
    "buyer_eu_country": None,
    "ict_services": None,
    "critical_function": True,
}


def test_a_dutch_pension_fund_reads_iorp_ii_article_31_with_its_pinpoints(reference: Playbook) -> None:
    ev = evaluated_case(reference, FUND)

    assert {"iorp2-outsourcing", "nl-pensioenwet-outsourcing"} <= set(ev.regime_codes)
    duties = obligations(ev, "iorp2-outsourcing")
    assert duties["governance-limits"] == ("Directive (EU) 2016/2341 Art. 31(3)", IORP, "secondary")
    assert duties["stay-responsible"][:2] == ("Directive (EU) 2016/2341 Art. 31(2)", IORP)
    assert duties["written-agreement"][0] == "Directive (EU) 2016/2341 Art. 31(5)"
    assert duties["notify-supervisor"][0] == "Directive (EU) 2016/2341 Art. 31(6)"
    regime = next(r for r in ev.regimes if r.code == "iorp2-outsourcing")
    assert regime.confidence == "secondary" and "(Art. 31(3))" in regime.summary
    assert {phase for phase, _label, _items in regime.obligations} == {"before_signing", "in_contract", "during"}
    assert [s["url"] for s in regime.sources] == [IORP]


def test_a_dutch_pension_fund_reads_the_pensions_act_and_the_notice_to_dnb(reference: Playbook) -> None:
    ev = evaluated_case(reference, FUND)

    duties = obligations(ev, "nl-pensioenwet-outsourcing")
    assert duties["provider-follows-the-act"] == ("Pensioenwet art. 34(1)", PW34, "secondary")
    citation, url, _confidence = duties["notify-dnb"]
    assert citation.startswith("Pensioenwet art. 34, as DNB") and url.startswith("https://www.dnb.nl/")
    regime = next(r for r in ev.regimes if r.code == "nl-pensioenwet-outsourcing")
    assert "prior approval is not needed" in regime.summary


def test_the_investment_research_case_wins_without_gdpr_or_dora(reference: Playbook) -> None:
    ev = evaluated_case(reference, FUND)

    assert ev.verdict == "wins" and ev.top_model == "captive-team"
    assert not {"dora", "gdpr", "solvency2-outsourcing", "eba-outsourcing"} & set(ev.regime_codes)
    assert ev.gates == ()


def test_a_pension_funds_critical_function_is_a_condition_a_risk_and_a_notice_to_settle_first(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, FUND, critical_function=True)

    assert [c.text for c in ev.conditions if c.rule in PENSION_RULES] == [NOTICE]
    # A notice, not an approval, settled before signing as an insurer's and a bank's are (review 74).
    (gate,) = ev.gates
    assert gate.notice and "Art. 31(6)" in gate.text and ev.verdict == "conditional"
    assert "A critical function depends on the provider" in {r.title for r in ev.risks}
    fired = next(f for f in ev.fired if f.code == "critical-function-outsourcing-eu-pension-fund")
    assert "Art. 31(2)-(3)" in fired.rationale and "EBA/GL/2019/02" not in fired.rationale
    assert "critical-function-outsourcing-eu" not in {f.code for f in ev.fired}


def test_a_pension_fund_running_technology_for_the_fund_reads_dora(reference: Playbook) -> None:
    ev = evaluated_case(reference, FUND, ict_services=True)

    assert "dora" in ev.regime_codes
    assert "occupational pension fund" in Regime.objects.get(code="dora").trigger


def _shown(reference: Playbook, **changes: Any) -> set[str]:
    compiled = compiled_playbook(reference)
    given = {**reference.golden_cases.get(name__startswith=FUND).answers, **changes}
    answers, problems = clean_answers(compiled.questions, {k: v for k, v in given.items() if v is not None})
    assert not problems
    return set(visibility(compiled, answers).questions)


def test_a_pension_fund_is_asked_about_critical_functions_and_in_the_eu_about_technology(reference: Playbook) -> None:
    assert {"critical_function", "ict_services"} <= _shown(reference)
    in_uk = _shown(reference, buyer_regulated_in="uk")
    assert "critical_function" in in_uk and "ict_services" not in in_uk


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_eu_country": "france"},
        {"buyer_eu_country": "germany"},
        {"buyer_location": "us", "buyer_eu_country": None},
    ],
    ids=["french-fund", "german-fund", "eu-fund-run-from-the-us"],
)
def test_an_eu_pension_fund_outside_the_netherlands_reads_iorp_ii_but_not_dutch_law(
    reference: Playbook, changes: dict[str, Any]
) -> None:
    ev = evaluated_case(reference, FUND, **changes)

    assert "iorp2-outsourcing" in ev.regime_codes and "nl-pensioenwet-outsourcing" not in ev.regime_codes


def test_a_uk_pension_scheme_reads_neither_iorp_ii_nor_a_regulators_notice_gate(reference: Playbook) -> None:
    ev = evaluated_case(reference, FUND, **UK_SCHEME)

    assert not {"iorp2-outsourcing", "nl-pensioenwet-outsourcing", "dora", "pra-ss2-21"} & set(ev.regime_codes)
    assert ev.gates == () and [c.rule for c in ev.conditions if c.rule in PENSION_RULES] == []
    (risk,) = [r for r in ev.risks if r.title == "A critical function depends on the provider"]
    assert "The Pensions Regulator" in risk.mitigation


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_sector": "insurer"},
        {"buyer_sector": "bank"},
        {"buyer_location": "us", "buyer_regulated_in": "us", "home_market": "us", "buyer_eu_country": None},
    ],
    ids=["dutch-insurer", "dutch-bank", "us-pension-fund"],
)
def test_other_buyers_do_not_read_the_pension_fund_laws(reference: Playbook, changes: dict[str, Any]) -> None:
    ev = evaluated_case(reference, FUND, **changes)

    assert not {"iorp2-outsourcing", "nl-pensioenwet-outsourcing"} & set(ev.regime_codes)


def test_an_eu_bank_keeps_the_eba_notice_gate(reference: Playbook) -> None:
    ev = evaluated_case(reference, FUND, buyer_sector="bank", critical_function=True)

    assert [g.rule for g in ev.gates] == ["critical-function-outsourcing-eu"]


def test_the_dutch_official_hosts_are_listed(reference: Playbook) -> None:
    assert SourceHost.objects.get(host="wetten.overheid.nl").kind == "official"
    assert SourceHost.objects.get(host="dnb.nl").kind == "official"
