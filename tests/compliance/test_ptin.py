"""A firm that prepares US tax returns for others reads the PTIN rule beside IRC 7216: every paid preparer, offshore
staff included, holds a preparer tax identification number and the signing preparer's goes on the return
(26 U.S.C. 6109(a)(4); Treas. Reg. 1.6109-2(a), (d)), each duty with its citation and source."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CPA = "US CPA firm: individual returns in a sharp tax-season peak"
ECFR = "https://www.ecfr.gov/current/title-26/section-1.6109-2"
CONDITION = "Check that every offshore preparer who works on your clients' returns holds a current PTIN"


def test_a_cpa_firm_reads_the_ptin_rule_with_its_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, CPA)
    assert {"irc-7216", "irs-ptin"} <= set(ev.regime_codes)
    ptin = next(r for r in ev.regimes if r.code == "irs-ptin")
    assert ptin.confidence == "secondary" and ptin.effective_date == "2011-01-01"
    assert "offshore" in ptin.summary and "PTIN" in ptin.summary
    assert {s["url"] for s in ptin.sources} == {
        "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title26-section6109&num=0&edition=prelim",
        ECFR,
    }
    assert obligations(ev, "irs-ptin") == {
        "ptin-for-every-preparer": ("26 U.S.C. 6109(a)(4); Treas. Reg. 1.6109-2(d)", ECFR, "secondary"),
        "ptin-on-the-return": ("Treas. Reg. 1.6109-2(a)", ECFR, "secondary"),
    }
    assert any(c.text.startswith(CONDITION) for c in ev.conditions)


@pytest.mark.parametrize("consent", ["can-obtain", "cannot"])
def test_the_ptin_rule_holds_whatever_the_consent(reference: Playbook, consent: str) -> None:
    assert "irs-ptin" in evaluated_case(reference, CPA, tax_consent=consent).regime_codes


def test_a_firm_that_prepares_no_returns_for_others_reads_neither(reference: Playbook) -> None:
    ev = evaluated_case(reference, CPA, tax_preparer=False, tax_consent=None)
    assert {"irs-ptin", "irc-7216"}.isdisjoint(ev.regime_codes)
    assert not any(c.text.startswith(CONDITION) for c in ev.conditions)


def test_consent_is_asked_for_a_preparer_outside_the_us_not_for_one_in_it(reference: Playbook) -> None:
    # Treas. Reg. 301.7216-2(c)-(d): a preparer in the US may help another prepare the return without consent;
    # 301.7216-3: to one outside the US, a US provider's offshore staff included, only with it.
    fired = {
        r.code: r.rationale
        for consent in ("in-place", "can-obtain")
        for r in evaluated_case(reference, CPA, tax_consent=consent).fired
    }
    for code in ("irc-7216-tax-preparer", "tax-consent-to-collect"):
        text = fired[code]
        assert "located outside the United States (a US provider's offshore staff included)" in text, code
        assert "Treas. Reg. 301.7216-2(c)-(d), 301.7216-3" in text and "another preparer, offshore included" not in text


def test_tax_preparation_priced_without_a_quote_is_told_its_rate_is_a_bookkeepers(reference: Playbook) -> None:
    title = "The provider's rate is a bookkeeper's or accountant's, not a price for preparing your returns"
    found = [r.mitigation for r in evaluated_case(reference, CPA).risks if r.title == title]
    assert len(found) == 1 and "SOC 13-2011" in found[0] and "price per return" in found[0]
    quoted = evaluated_case(reference, CPA, own_figures=True, quoted_rate=20)
    assert title not in [r.title for r in quoted.risks]
