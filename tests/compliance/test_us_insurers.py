"""A US insurer handing customers' GLBA information to a provider reads its own regime: the confidentiality contract
of 15 U.S.C. 6802(b)(2) (the GLBA enforced by the states, 6805(a)(6)), the NAIC model law's provider oversight as its
state adopted it, and New York's 23 NYCRR 500.11 if licensed there; a bank's and an FTC firm's cards stay as they
were. California personal information handed over beside GLBA information reads the CCPA with its GLBA carve-out
(Civ. Code 1798.145(e)), and California data alone the CCPA terms as before."""

from __future__ import annotations

import pytest

from apps.common.models import SourceHost
from apps.common.sources import check_url
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
INSURER = "Insurer's customer financial data"
BANK = "US regional bank: credit-risk model validation"
CLAIMS = {"data_categories": ["glba-financial", "california-personal"], "preferred_region": "philippines"}
USC = "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title15-section6802&num=0&edition=prelim"
NAIC = "https://content.naic.org/sites/default/files/model-law-668.pdf"
DFS = "https://www.dfs.ny.gov/industry_guidance/cybersecurity"


def test_a_us_insurer_reads_the_glba_contract_the_model_law_and_new_yorks_rule(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER, **CLAIMS)

    assert "glba-insurer" in ev.regime_codes
    assert not {"glba", "glba-interagency"} & set(ev.regime_codes)
    duties = obligations(ev, "glba-insurer")
    assert duties["confidentiality-contract"][:2] == ("15 U.S.C. 6802(b)(2), (c)", USC)
    assert duties["provider-due-diligence"][:2] == (
        "NAIC Insurance Data Security Model Law (#668) sec. 4.F(1), as adopted by your state",
        NAIC,
    )
    assert duties["require-safeguards"][0].endswith("sec. 4.F(2), as adopted by your state")
    assert duties["ny-third-party-policy"][:2] == ("23 NYCRR 500.11(a)-(b)", DFS)
    assert {confidence for _c, _u, confidence in duties.values()} == {"secondary"}
    regime = next(r for r in ev.regimes if r.code == "glba-insurer")
    titles = {o["code"]: o["title"] for _p, _l, items in regime.obligations for o in items}
    assert titles["ny-third-party-policy"].startswith("If licensed in New York")
    assert regime.because == ("Customer financial information at an insurer",)
    # Every source is on an official host the product allows, and the insurer is not also told to look it up.
    allowed = list(SourceHost.objects.values_list("host", flat=True))
    assert all(not check_url(s["url"], allowed) for s in regime.sources)
    assert "glba-functional-regulator" not in {r.rule for r in ev.risks}


def test_california_data_beside_glba_data_reads_the_ccpa_with_its_glba_carve_out(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER, **CLAIMS)

    ccpa = next(r for r in ev.regimes if r.code == "ccpa")
    assert ccpa.because == ("Personal information of California residents, beside GLBA customer information",)
    (condition,) = [c for c in ev.conditions if c.rule.startswith("ccpa-")]
    assert condition.rule == "ccpa-california-data-beside-glba"
    assert "outside the GLBA" in condition.text and "1798.145(e)" in condition.text and "1798.150" in condition.text
    carve_out = obligations(ev, "ccpa")["records-other-laws-govern"]
    assert carve_out[0] == "Cal. Civ. Code 1798.145(e), 1798.146(a)(1)"
    # The CCPA's service-provider terms still hold for the California data the GLBA does not cover.
    assert "service-provider-contract" in obligations(ev, "ccpa")


def test_california_data_alone_reads_the_ccpa_terms_as_before(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER, data_categories=["california-personal"])

    assert "ccpa" in ev.regime_codes and "glba-insurer" not in ev.regime_codes
    (condition,) = [c for c in ev.conditions if c.rule.startswith("ccpa-")]
    assert condition.rule == "ccpa-california-data"
    assert condition.text.endswith("before California personal data moves")


def test_a_banks_glba_card_is_unchanged(reference: Playbook) -> None:
    ev = evaluated_case(reference, BANK)

    assert "glba-interagency" in ev.regime_codes and "glba-insurer" not in ev.regime_codes
    assert list(obligations(ev, "glba-interagency")) == ["select-provider", "contract-safeguards", "monitor"]
    assert "glba-insurer" not in evaluated_case(reference, INSURER, buyer_sector="payments").regime_codes


@pytest.mark.parametrize("sector", ["healthcare", "investment-firm"])
def test_a_health_plan_or_securities_firm_is_still_pointed_at_its_own_regulator(
    reference: Playbook, sector: str
) -> None:
    ev = evaluated_case(reference, INSURER, buyer_sector=sector)

    assert not {"glba", "glba-interagency", "glba-insurer"} & set(ev.regime_codes)
    risk = next(r for r in ev.risks if r.rule == "glba-functional-regulator")
    assert "15 U.S.C. 6805(a)(6)" in risk.mitigation and "17 CFR 248.30" in risk.mitigation
