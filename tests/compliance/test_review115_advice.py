"""Review 115: a law firm whose clients refuse consent, where the rules covered here do not reach, is blocked, as it is
where they do (a refusal withholds the one route every bar recognises); an engineer's seal outside the United States
and eastern Australia, with time to review but not to supervise, leaves the supervision to settle before signing."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
FRANKFURT_ASKING = "Frankfurt law firm: the same review, clients' consent still to be asked"
CANADIAN_ENGINEERS = "Canadian engineering firm: MEP design and BIM sealed by an engineer licensed in Ontario"
REFUSED = "Clients who refuse cannot have their matters sent to the offshore team"


@pytest.mark.parametrize(
    "where",
    [
        {"buyer_eu_country": "netherlands"},
        {"buyer_eu_country": "ireland"},
        {"buyer_location": "singapore", "buyer_regulated_in": "singapore"},
        {"buyer_location": "japan-korea", "buyer_regulated_in": "other"},
        {"buyer_location": "gulf", "buyer_regulated_in": "other"},
        {"buyer_location": "canada-east", "buyer_regulated_in": "other", "buyer_sector": "other"},
    ],
)
def test_clients_refusing_consent_block_the_work_wherever_their_lawyers_bar_is(
    reference: Playbook, where: dict[str, str]
) -> None:
    asking = evaluated_case(reference, FRANKFURT_ASKING, **where)
    refused = evaluated_case(reference, FRANKFURT_ASKING, **where, legal_client_consent="cannot")
    # Asking gives "on conditions"; a refusal is worse, never better.
    assert asking.verdict == "conditional", [g.text for g in asking.gates]
    assert refused.verdict == "doesnt_win"
    assert [b.rule for b in refused.blockers] in (
        ["legal-client-consent-refused-elsewhere"],
        ["legal-client-consent-refused-germany-france-in-house"],
    )
    assert "A client that refuses has instructed its lawyers" in refused.blockers[0].reason
    assert [r.severity for r in refused.risks if r.title == REFUSED] == ["high"]
    assert refused.fit_score < asking.fit_score


def test_the_rules_covered_here_keep_their_own_blockers(reference: Playbook) -> None:
    german_firm = evaluated_case(reference, FRANKFURT_ASKING, legal_client_consent="cannot")
    assert [b.rule for b in german_firm.blockers] == ["de-lawyer-matter-consent-refused"]
    german_in_house = evaluated_case(reference, FRANKFURT_ASKING, legal_client_consent="cannot", buyer_sector="other")
    assert [b.rule for b in german_in_house.blockers] == ["legal-client-consent-refused-germany-france-in-house"]
    french_firm = evaluated_case(reference, FRANKFURT_ASKING, legal_client_consent="cannot", buyer_eu_country="france")
    # An avocat's secret is not released by consent: the firm binds and supervises the provider instead.
    assert not french_firm.blockers


@pytest.mark.parametrize("where", [{}, {"buyer_location": "uk"}, {"buyer_location": "singapore"}])
def test_engineers_who_can_review_but_not_supervise_leave_the_supervision_to_settle(
    reference: Playbook, where: dict[str, str]
) -> None:
    supervised = evaluated_case(reference, CANADIAN_ENGINEERS, **where, signoff_capacity="yes")
    limited = evaluated_case(reference, CANADIAN_ENGINEERS, **where, signoff_capacity="limited")
    assert not [g for g in supervised.gates if g.rule == "pe-seal-limited-supervision-elsewhere"]
    (gate,) = [g for g in limited.gates if g.rule == "pe-seal-limited-supervision-elsewhere"]
    assert gate.text.startswith("your licensed engineers' time budgeted to supervise the offshore design as it is done")
    assert limited.verdict == "conditional"


def test_us_and_eastern_australian_engineers_keep_their_own_rules(reference: Playbook) -> None:
    us = evaluated_case(reference, CANADIAN_ENGINEERS, buyer_location="us", signoff_capacity="limited")
    assert "pe-seal-limited-supervision-elsewhere" not in {g.rule for g in us.gates}
    assert "pe-seal-review-only" in {b.rule for b in us.blockers}
    brisbane = evaluated_case(
        reference, CANADIAN_ENGINEERS, buyer_location="australia-east", signoff_capacity="limited"
    )
    assert "au-engineer-review-only" in {b.rule for b in brisbane.blockers}
    assert "pe-seal-limited-supervision-elsewhere" not in {g.rule for g in brisbane.gates}


TORONTO_BANK = "Toronto bank: credit research and portfolio analytics on its Canadian borrowers, delivered offshore"


def test_an_osfi_supervised_bank_starting_a_critical_arrangement_within_a_month_reads_the_timing_risk(
    reference: Playbook,
) -> None:
    # Review 115: the EU, UK and Australian notice regimes read a timing risk; a Canadian bank read a plain "KPO wins".
    urgent = evaluated_case(reference, TORONTO_BANK, critical_function=True, start_within="within-month")
    (risk,) = [r for r in urgent.risks if r.rule == "critical-function-start-within-a-month-osfi"]
    assert risk.severity == "high" and "OSFI Guideline B-10, Principles 3-4" in risk.mitigation
    later = evaluated_case(reference, TORONTO_BANK, critical_function=True, start_within="three-to-six")
    assert not [r for r in later.risks if r.rule == "critical-function-start-within-a-month-osfi"]


@pytest.mark.parametrize(
    "where",
    [
        {"buyer_location": "canada-east", "buyer_ca_province": "quebec"},
        {"buyer_location": "uk"},
        {"buyer_location": "singapore", "buyer_apac_country": "singapore"},
    ],
    ids=["quebec", "uk", "singapore"],
)
def test_no_licensed_engineer_onshore_blocks_everywhere_as_it_does_in_the_us_and_australia(
    reference: Playbook, where: dict[str, str]
) -> None:
    # Review 118: a Québec firm with nobody onshore holding the licence read "KPO wins, on conditions (65)", where the
    # US and Brisbane were blocked.
    ev = evaluated_case(reference, CANADIAN_ENGINEERS, **where, signoff_capacity="no")
    assert ev.verdict == "doesnt_win"
    (blocker,) = [b for b in ev.blockers if b.rule == "pe-seal-no-engineer-elsewhere"]
    assert "your own regulator's rule is not set out here" in blocker.reason
    for place in ("us", "australia-east"):
        there = evaluated_case(reference, CANADIAN_ENGINEERS, buyer_location=place, signoff_capacity="no")
        assert "pe-seal-no-engineer-elsewhere" not in {b.rule for b in there.blockers} and there.blockers
