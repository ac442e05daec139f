"""EU fund managers and fund administrators read their own delegation and outsourcing rules, not MiFID II's: an
AIFM AIFMD Art. 20 with Delegated Regulation (EU) No 231/2013 Arts. 75-82, a UCITS management company the UCITS
Directive's Art. 13, a firm the Central Bank of Ireland regulates its Cross-Industry Guidance on Outsourcing. MiFID
II's research-payment duties reach only a firm that says it buys research for portfolio management or advice, and
its outsourcing duties only a MiFID investment firm. A fund administrator reads neither, nor DORA, and passing on
work its fund manager clients delegated to it waits on their consent. A team in Ireland is measured on Irish time."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import SourceHost
from apps.playbooks.engine import clean_answers
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
ADMIN = "Irish fund administrator"
DUTCH = "Dutch asset manager: critical portfolio analytics"
RESEARCH = "EU asset manager: outsourced sector research"
AIFMR = "https://eur-lex.europa.eu/eli/reg_del/2013/231/oj"
CBI = "https://www.centralbank.ie/docs/default-source/publications/consultation-papers/cp138/"
FUND_LAWS = {"aifmd-delegation", "ucits-delegation"}


def test_an_irish_fund_administrator_reads_the_central_banks_outsourcing_guidance_not_mifid_or_dora(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, ADMIN)

    assert {"cbi-outsourcing", "gdpr"} <= set(ev.regime_codes)
    assert not {"mifid2", "mifid2-research", "dora", *FUND_LAWS} & set(ev.regime_codes)
    duties = obligations(ev, "cbi-outsourcing")
    assert {"criticality", "intragroup", "board-approval", "notify-central-bank", "register", "exit-strategy"} <= set(
        duties
    )
    citation, url, confidence = duties["notify-central-bank"]
    assert citation.endswith("Part B section 10.1") and url.startswith(CBI) and confidence == "secondary"
    regime = next(r for r in ev.regimes if r.code == "cbi-outsourcing")
    assert regime.confidence == "secondary"
    assert {phase for phase, _label, _items in regime.obligations} == {"before_signing", "in_contract", "during"}


def test_a_fund_administrator_waits_on_its_fund_manager_clients_consent(reference: Playbook) -> None:
    ev = evaluated_case(reference, ADMIN)

    assert ev.verdict == "conditional"
    assert "each fund manager client's consent to passing the work it delegated to you on to the provider" in {
        g.text for g in ev.gates
    }
    (condition,) = [c for c in ev.conditions if c.rule == "fund-administrator-sub-delegation"]
    assert "Art. 20(4)" in condition.text


def test_a_fund_administrator_is_not_asked_about_dora(reference: Playbook) -> None:
    answers = reference.golden_cases.get(name__startswith=ADMIN).answers
    shown = _shown_for(reference, answers)
    assert "eu_investment_licence" in shown and "ict_services" not in shown
    assert "ict_services" in _shown_for(reference, {**answers, "eu_investment_licence": "aifm"})


def _shown_for(reference: Playbook, answers: dict[str, Any]) -> set[str]:
    compiled = compiled_playbook(reference)
    cleaned, problems = clean_answers(compiled.questions, {k: v for k, v in answers.items() if v is not None})
    assert not problems
    return set(visibility(compiled, cleaned).questions)


@pytest.mark.parametrize(
    ("licence", "present", "absent"),
    [
        ("aifm", {"aifmd-delegation"}, {"ucits-delegation"}),
        ("ucits-manco", {"ucits-delegation"}, {"aifmd-delegation"}),
        ("ucits-and-aifm", FUND_LAWS, set()),
    ],
    ids=["aifm", "ucits-manco", "super-manco"],
)
def test_an_irish_fund_manager_reads_its_delegation_rules_and_the_central_banks_not_mifid(
    reference: Playbook, licence: str, present: set[str], absent: set[str]
) -> None:
    ev = evaluated_case(reference, ADMIN, eu_investment_licence=licence, ict_services=False)

    codes = set(ev.regime_codes)
    assert present | {"cbi-outsourcing"} <= codes
    assert not (absent | {"mifid2", "mifid2-research"}) & codes
    assert all(c.rule != "fund-administrator-sub-delegation" for c in ev.conditions)


def test_an_aifms_delegation_duties_carry_their_pinpoints(reference: Playbook) -> None:
    ev = evaluated_case(reference, ADMIN, eu_investment_licence="aifm", ict_services=False)

    duties = obligations(ev, "aifmd-delegation")
    assert duties["notify-supervisor"][0] == "Directive 2011/61/EU Art. 20(1)"
    assert duties["objective-reasons"][:2] == (
        "Directive 2011/61/EU Art. 20(1)(a); Delegated Regulation (EU) No 231/2013 Art. 76",
        AIFMR,
    )
    assert "Art. 78" in duties["portfolio-risk-third-country"][0]
    assert "Arts. 75(f), 82" in duties["no-letter-box"][0]
    ucits = obligations(evaluated_case(reference, ADMIN, eu_investment_licence="ucits-manco"), "ucits-delegation")
    assert ucits["inform-supervisor"][0] == "Directive 2009/65/EC Art. 13(1)(a)"
    assert ucits["no-letter-box"][0] == "Directive 2009/65/EC Art. 13(2)"


def test_a_fund_manager_running_technology_for_it_reads_dora(reference: Playbook) -> None:
    ev = evaluated_case(reference, ADMIN, eu_investment_licence="ucits-manco", ict_services=True)
    assert "dora" in ev.regime_codes


def test_an_eu_mifid_firm_outsourcing_analytics_reads_mifid_outsourcing_without_research_payments(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, DUTCH)

    assert "mifid2" in ev.regime_codes and "mifid2-research" not in ev.regime_codes
    duties = obligations(ev, "mifid2")
    assert "research-payment-route" not in duties and "eu-listing-act" not in duties
    assert {"critical-function-test", "written-agreement"} <= set(duties)
    assert not (FUND_LAWS | {"cbi-outsourcing"}) & set(ev.regime_codes)


def test_an_eu_portfolio_manager_buying_research_reads_research_payments_and_outsourcing_only_for_a_critical_function(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, RESEARCH)
    assert "mifid2-research" in ev.regime_codes and "mifid2" not in ev.regime_codes
    assert set(obligations(ev, "mifid2-research")) == {"research-payment-route", "eu-listing-act"}
    # Delegated Regulation 2017/565 Art. 31 binds the outsourcing of a critical or important function (review 74).
    assert {"mifid2", "mifid2-research"} <= set(
        evaluated_case(reference, RESEARCH, critical_function=True).regime_codes
    )


def test_a_fund_administrator_saying_it_buys_research_for_portfolios_still_reads_no_mifid(reference: Playbook) -> None:
    ev = evaluated_case(reference, RESEARCH, eu_investment_licence="fund-administrator")
    assert not {"mifid2", "mifid2-research"} & set(ev.regime_codes)


@pytest.mark.parametrize("sector", ["bank", "insurer", "payments"])
def test_other_firms_the_central_bank_regulates_read_its_guidance_too(reference: Playbook, sector: str) -> None:
    ev = evaluated_case(reference, ADMIN, buyer_sector=sector, eu_investment_licence=None, ict_services=False)
    assert "cbi-outsourcing" in ev.regime_codes


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_eu_country": "netherlands"},
        {"buyer_regulated_in": "uk"},
        {"buyer_sector": "pension-fund", "eu_investment_licence": None, "ict_services": False},
        {"buyer_sector": "other", "eu_investment_licence": None},
    ],
    ids=["dutch-administrator", "uk-regulated", "irish-pension-fund", "unregulated-irish-company"],
)
def test_buyers_outside_the_central_banks_remit_do_not_read_its_guidance(
    reference: Playbook, changes: dict[str, Any]
) -> None:
    ev = evaluated_case(reference, ADMIN, **changes)
    assert "cbi-outsourcing" not in ev.regime_codes


def test_an_irish_team_is_measured_on_irish_time_not_central_european_time(reference: Playbook) -> None:
    irish = evaluated_case(reference, ADMIN)
    dutch = evaluated_case(reference, ADMIN, buyer_eu_country="netherlands")

    (overlap,) = [r for r in irish.requirements if r.code == "overlap"]
    assert "Irish (UTC+0, +1 in summer" in overlap.text and "Central European" not in overlap.text
    (continental,) = [r for r in dutch.requirements if r.code == "overlap"]
    assert "Central European" in continental.text


def test_the_irish_official_hosts_are_listed(reference: Playbook) -> None:
    assert SourceHost.objects.get(host="centralbank.ie").kind == "official"
    assert SourceHost.objects.get(host="irishstatutebook.ie").kind == "official"


def test_the_central_banks_guidance_cites_no_sector_act_to_every_firm_it_regulates(reference: Playbook) -> None:
    # The guidance applies to insurers, banks and fund administrators alike: the Act that authorises investment
    # business firms is not its source, and an Irish insurer read it as one.
    from apps.compliance.models import Regime

    titles = [s["title"] for s in Regime.objects.get(code="cbi-outsourcing").sources]
    assert titles and not any("Investment Intermediaries" in t for t in titles)
