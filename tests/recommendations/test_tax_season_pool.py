"""Tax-return preparation peaks on deadlines every client shares, so a shared pool recommended for a sharp tax-season
peak comes with the risk that the pool is short of preparers in those weeks; and a tax preparer's offshore work
comes with the IRS's guide to safeguarding taxpayer data (Publication 4557) among the IRC 7216 obligations."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CPA = "US CPA firm: individual returns in a sharp tax-season peak"
TITLE = "The pool may be short of preparers in your peak: its other clients file to the same deadlines"


def peak_risks(ev: Evaluation) -> list[str]:
    return [r.mitigation for r in ev.risks if r.title == TITLE]


def test_a_shared_pool_for_a_sharp_tax_season_peak_carries_the_capacity_risk(reference: Playbook) -> None:
    ev = evaluated_case(reference, CPA)
    assert ev.top_model == "shared-pool"
    (mitigation,) = peak_risks(ev)
    assert "committed number of preparer hours a week" in mitigation
    assert next(r for r in ev.risks if r.title == TITLE).severity == "high"


@pytest.mark.parametrize(
    "changes",
    [
        {"peak_share": 30},  # no sharp peak
        {"volume_pattern": "steady", "peak_share": None},  # no season at all
    ],
)
def test_no_capacity_risk_without_a_sharp_peak(reference: Playbook, changes: dict[str, object]) -> None:
    assert peak_risks(evaluated_case(reference, CPA, **changes)) == []


def test_the_capacity_risk_is_for_the_shared_pool_alone(reference: Playbook) -> None:
    ev = evaluated_case(reference, CPA, delivery_ownership="per-deliverable")
    assert ev.top_model != "shared-pool" and peak_risks(ev) == []


def test_a_tax_preparer_is_pointed_to_the_irs_safeguarding_guide(reference: Playbook) -> None:
    ev = evaluated_case(reference, CPA)
    regime = next(r for r in ev.regimes if r.code == "irc-7216")
    (guide,) = [o for _, _, held in regime.obligations for o in held if o["code"] == "irs-safeguarding-guide"]
    assert guide["citation"].startswith("IRS Publication 4557")
    assert guide["source_url"] == "https://www.irs.gov/pub/irs-pdf/p4557.pdf"
    assert guide["confidence"] == "secondary"


def test_the_deadlines_named_are_the_us_and_the_uk_ones_each_with_its_statute(reference: Playbook) -> None:
    # A UK practice's peak is the 31 January online deadline, not the US 15 April one the rule once named alone.
    ev = evaluated_case(reference, CPA)
    rule = next(f for f in ev.fired if f.code == "tax-season-pool-capacity")
    assert "in the US, 15 April for individual returns, 26 U.S.C. 6072(a)" in rule.rationale
    assert "in the UK, 31 January for self-assessment returns filed online, Taxes Management Act 1970 s. 8(1D)" in (
        rule.rationale
    )
