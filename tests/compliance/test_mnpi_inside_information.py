"""Non-public research is not always inside information about issuers: a buyer whose non-public information is only
its own research, views and trading ideas (question mnpi_inside_information) does not read the insider-dealing
regimes that turn on facts about an issuer (UK and EU MAR's insider lists, Ontario's tipping rule, or that its own
market's insider rules are not covered), but reads the confidentiality and personal-dealing terms its own
research needs, and no shared pool. Unanswered, or not sure, reads as before: the regimes are set out."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
UK = "UK wealth manager: buying sector research"
EU = "EU asset manager: outsourced sector research with EU client data"
TORONTO: dict[str, Any] = {
    "buyer_location": "canada-east",
    "buyer_regulated_in": "canada-securities",
    "buyer_sector": "investment-firm",
    "home_market": "other",
}
OWN = "own-research-only"


@pytest.mark.parametrize(
    ("case", "changes", "issuer_rules"),
    [
        (UK, {}, {"uk-mar-regulated"}),
        (EU, {}, {"eu-mar-regulated", "eu-mar-eu-buyer"}),
        (UK, TORONTO, {"ca-tipping-registrant"}),
    ],
    ids=["uk", "eu", "ontario"],
)
def test_own_research_alone_reads_no_issuer_inside_information_rules(
    reference: Playbook, case: str, changes: dict[str, Any], issuer_rules: set[str]
) -> None:
    for answer in (None, "yes", "unsure"):  # unanswered, and not sure, read as before
        fired = {f.code for f in evaluated_case(reference, case, mnpi_inside_information=answer, **changes).fired}
        assert issuer_rules <= fired, answer
    own = evaluated_case(reference, case, mnpi_inside_information=OWN, **changes)
    fired = {f.code for f in own.fired}
    assert not issuer_rules & fired
    assert not {"uk-mar", "eu-mar", "ca-securities-tipping"} & set(own.regime_codes)
    # Still confidential: the handling risk of its own research, its terms, and no shared pool.
    assert {"mnpi-handling-own-research", "shared-pool-avoid-own-research"} <= fired


def test_a_buyer_elsewhere_with_own_research_alone_is_not_told_its_insider_rules_are_not_covered(
    reference: Playbook,
) -> None:
    elsewhere = {"buyer_location": "other", "buyer_regulated_in": None, "home_market": "other"}
    title = "Your own market's insider-dealing rules are not covered here"
    assert title in [r.title for r in evaluated_case(reference, UK, **elsewhere).risks]
    assert title not in [r.title for r in evaluated_case(reference, UK, mnpi_inside_information=OWN, **elsewhere).risks]


def test_us_insider_trading_law_still_reads_for_own_research(reference: Playbook) -> None:
    # The US regimes read as they did: this question narrows only the rules that turn on facts about an issuer.
    ev = evaluated_case(reference, "US hedge fund: steady equity research", mnpi_inside_information=OWN)
    assert "us-mnpi" in ev.regime_codes
    # Said so, without contradicting the US regimes: no issuer's insider list or wall-crossing, but in the US the
    # confidentiality the team agrees to is what makes trading on the ideas misappropriation.
    own = next(f for f in ev.fired if f.code == "mnpi-handling-own-research")
    assert "no issuer's insider list or wall-crossing applies" in own.rationale
    assert "(17 CFR 240.10b5-2(b)(1)), so the US insider-trading regimes still read" in own.rationale
    # The US rules' own reasons speak of the buyer's research too, not only of issuers' information.
    for code in ("us-mnpi-regulated", "us-mnpi-us-buyer"):
        fired = next(f for f in ev.fired if f.code == code)
        assert "or the buyer's own unpublished research and trading ideas" in fired.rationale
        # Named so that "Triggered by" does not contradict an answer of own research alone.
        assert fired.name.startswith("Non-public research or inside information held by")
    us = next(r for r in ev.regimes if r.code == "us-mnpi")
    assert all(b.startswith("Non-public research or inside information") for b in us.because)
    adviser = next(r for r in ev.regimes if r.code == "us-adviser-mnpi")
    assert adviser.because == (
        "Non-public research or inside information held by an SEC-registered investment adviser",
    )
    (action,) = [o["action"] for _p, _l, items in adviser.obligations for o in items]
    assert "wall-crossing records when what you share is an issuer's information rather than your own research" in (
        action
    )


def test_own_research_reads_confidentiality_and_personal_dealing_not_wall_crossing(reference: Playbook) -> None:
    own = evaluated_case(reference, UK, mnpi_inside_information=OWN)
    fired = {f.code for f in own.fired}
    assert {"mnpi-handling-own-research", "shared-pool-avoid-own-research"} <= fired
    assert not {"mnpi-handling", "shared-pool-avoid-mnpi"} & fired
    texts = [c.text for c in own.conditions]
    assert not any("wall-crossing" in t for t in texts)
    assert any(
        t.startswith("Bind the provider and its analysts to confidentiality and to personal-dealing") for t in texts
    )
    assert any(r.title == "Misuse or leakage of your unpublished research and trading ideas" for r in own.risks)
    # Scored as before: the shared pool is warned off by the same points.
    before = evaluated_case(reference, UK)
    assert [(m.code, m.score) for m in own.models] == [(m.code, m.score) for m in before.models]


def test_a_project_on_inside_information_names_its_team_and_keeps_it_off_conflicting_work(reference: Playbook) -> None:
    # A provider staffs a project from people who serve other clients before and after it, a rival bidder among
    # them: the shared pool is warned off, and a recommended project carries a condition of its own.
    case = "The same M&A screening answered optimistically"
    ringfence = "Name the provider's project team in the contract and keep its people off work for a rival bidder"
    for answer in ("yes", "unsure", None):  # unanswered, and not sure, read as inside information
        ev = evaluated_case(reference, case, mnpi_inside_information=answer)
        assert ev.models[0].code == "project"
        assert any(c.text.startswith(ringfence) for c in ev.conditions), answer
    own = evaluated_case(reference, case, mnpi_inside_information=OWN)
    assert not any(c.text.startswith(ringfence) for c in own.conditions)
    # Another model recommended: the project's condition is not the verdict's.
    team = evaluated_case(reference, "UK wealth manager: buying sector research", mnpi_inside_information="yes")
    assert team.models[0].code != "project"
    assert not any(c.text.startswith(ringfence) for c in team.conditions)
