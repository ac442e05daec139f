"""An engineering firm in eastern Australia reads the Queensland, New South Wales and Victorian registration laws,
each with the state it applies in (Professional Engineers Act 2002 (Qld) s. 115; Design and Building Practitioners
Act 2020 (NSW) s. 9; Professional Engineers Registration Act 2019 (Vic)), and none of the US state boards' wording:
no seal, no responsible charge, no NCEES. A US engineering firm keeps the responsible-charge rule."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
BRISBANE = "Brisbane engineering firm"
US_FIRM = "US engineering firm: MEP design and BIM with a PE sealing onshore"
US_WORDING = re.compile(r"seal|responsible charge|NCEES|Texas|state board", re.IGNORECASE)
CONDITION = "Name, for each project, an engineer registered in its state (an RPEQ in Queensland"


def shown(ev: Any) -> str:
    """Everything the result says, the buyer's own answers (option codes) left out."""
    data = ev.as_dict()
    data.pop("answers")
    return json.dumps(data, ensure_ascii=False)


def test_a_brisbane_firm_reads_the_three_state_laws_with_their_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, BRISBANE)
    assert "au-engineer-registration" in ev.regime_codes and "pe-responsible-charge" not in ev.regime_codes
    regime = next(r for r in ev.regimes if r.code == "au-engineer-registration")
    assert regime.confidence == "secondary"
    assert all(state in regime.summary for state in ("Queensland", "New South Wales", "Victoria"))
    found = obligations(ev, "au-engineer-registration")
    assert found == {
        "qld-rpeq-supervision": (
            "Professional Engineers Act 2002 (Qld), s. 115; s. 6A",
            "https://bpeq.qld.gov.au/direct-supervision-consideration-for-engineers/",
            "secondary",
        ),
        "nsw-design-declaration": (
            "Design and Building Practitioners Act 2020 (NSW), s. 9",
            "https://legislation.nsw.gov.au/view/whole/html/inforce/current/act-2020-007",
            "secondary",
        ),
        "vic-registered-engineer": (
            "Professional Engineers Registration Act 2019 (Vic), Part 2; s. 5",
            "https://www.consumer.vic.gov.au/licensing-and-registration/professional-engineers/who-needs-to-be-registered",
            "secondary",
        ),
    }
    assert {"www.legislation.qld.gov.au", "legislation.nsw.gov.au", "www.legislation.vic.gov.au"} <= {
        s["url"].split("/")[2] for s in regime.sources
    }
    assert any(c.text.startswith(CONDITION) for c in ev.conditions)
    assert any(r.title.startswith("The offshore designers must work under an engineer registered") for r in ev.risks)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"overlap_hours": 1},  # the little-overlap rule, in Australian words
        {"licensed_signoff": ["none"]},  # design work needs a registered engineer, signed or not
        {"function": "other"},  # a sign-off alone
    ],
)
def test_an_australian_firm_reads_no_us_wording(reference: Playbook, changes: dict[str, Any]) -> None:
    ev = evaluated_case(reference, BRISBANE, **changes)
    assert "au-engineer-registration" in ev.regime_codes
    assert not US_WORDING.findall(shown(ev))


def test_with_little_overlap_the_registered_engineer_can_only_review(reference: Playbook) -> None:
    ev = evaluated_case(reference, BRISBANE, overlap_hours=1)
    assert any(
        r.title == "With almost no overlap, the registered engineer can only review finished designs" for r in ev.risks
    )
    assert ev.fit_score == evaluated_case(reference, BRISBANE).fit_score - 5


def test_a_us_firm_keeps_the_responsible_charge_rule_and_reads_no_australian_law(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_FIRM)
    assert "pe-responsible-charge" in ev.regime_codes and "au-engineer-registration" not in ev.regime_codes
    assert any(r.title == "The sealing engineer must stay in responsible charge" for r in ev.risks)
    low = evaluated_case(reference, US_FIRM, overlap_hours=1)
    assert any(
        r.title == "With almost no overlap, the sealing engineer can only review finished designs" for r in low.risks
    )


@pytest.mark.parametrize("where", ["canada-east", "uk", "singapore"])
def test_a_firm_elsewhere_reads_neither_law(reference: Playbook, where: str) -> None:
    codes = evaluated_case(reference, BRISBANE, buyer_location=where).regime_codes
    assert {"au-engineer-registration", "pe-responsible-charge"}.isdisjoint(codes)


def test_no_registered_engineer_to_supervise_blocks_and_review_only_waits_on_one(reference: Playbook) -> None:
    """Queensland's s. 115 and Victoria's Act turn on direct supervision: with nobody onshore to give it, or engineers
    who could review but not supervise, the work cannot go offshore, as a US engineer's responsible charge blocks it
    (review 118: review-only capacity read "KPO wins, on conditions" in Brisbane and was blocked in the US)."""
    none = evaluated_case(reference, BRISBANE, signoff_capacity="no")
    assert none.verdict == "doesnt_win"
    assert [b.rule for b in none.blockers] == ["au-engineer-no-supervision"]
    assert "(Professional Engineers Act 2002 (Qld), s. 115;" in none.blockers[0].reason
    limited = evaluated_case(reference, BRISBANE, signoff_capacity="limited")
    assert limited.verdict == "doesnt_win"
    assert [b.rule for b in limited.blockers] == ["au-engineer-review-only"]
    assert (
        "which a review at the end is not (Professional Engineers Act 2002 (Qld), s. 115;" in limited.blockers[0].reason
    )
    assert evaluated_case(reference, BRISBANE).gates == () and evaluated_case(reference, BRISBANE).verdict == "wins"
    # Neither reads a US board's wording: the shared rule on thin review time names no profession's rules.
    for ev in (none, limited):
        assert not US_WORDING.search(shown(ev))
