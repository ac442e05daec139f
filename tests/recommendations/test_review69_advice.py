"""Advice a sourcing adviser and a regulatory lawyer checked (review 69): transfers back to an adequate country, the
UK GDPR for buyers outside the UK, personal information leaving mainland China, ERISA plans, and wording that had
named a provider for an own centre, Regulation AC for research no US broker-dealer sends, health data where there was
none, and the same notice risk twice."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db

TOKYO = "Tokyo electronics maker: consumer analytics with 4 hours of overlap"
US_RETAILER = "US online retailer: customer and basket analytics on its Brazilian shoppers"
UK_BUYER = "UK buyer: financial analysis for a UK retailer's finance team, with UK staff data"
SUPER = "Superannuation trustee: equity research for an Australian fund"


def test_a_buyer_in_an_adequate_country_is_not_told_it_needs_module_four(reference: Playbook) -> None:
    # Review 69: Japanese and Korean buyers were told a provider in Poland returning work needs module four of the
    # clauses; an adequacy decision needs no further authorisation (GDPR Art. 45(1)).
    ev = evaluated_case(reference, TOKYO, data_categories=["eu-personal"])
    (risk,) = [r for r in ev.risks if r.rule == "gdpr-eu-personal-data-team-outside-eu"]
    assert "unless the Commission has found your country adequate" in risk.mitigation
    assert "Japan (Decision (EU) 2019/419)" in risk.mitigation and "(Decision (EU) 2022/254)" in risk.mitigation
    assert any("unless your country has an EU adequacy decision (Art. 45(1))" in c.text for c in ev.conditions)


def test_the_uk_gdpr_reaches_a_buyer_outside_the_uk_only_as_its_article_3_2_says(reference: Playbook) -> None:
    # Review 69: a US retailer and Irish firms with UK customers' data were told outright to sign UK GDPR terms and the
    # IDTA, with no word of Art. 3(2) or the UK representative of Art. 27.
    abroad = evaluated_case(reference, US_RETAILER, data_categories=["uk-personal"])
    fired = fired_codes(abroad)
    assert "uk-gdpr-uk-personal-data-team-outside-uk" in fired and "uk-gdpr-uk-personal-data-terms" not in fired
    assert "uk-gdpr" in {r.code for r in abroad.regimes}
    texts = [c.text for c in abroad.conditions]
    assert not any(t.startswith("Sign UK GDPR processor terms") for t in texts)
    assert any("(Art. 3(2)) and needs a UK representative (Art. 27)" in t for t in texts)
    at_home = evaluated_case(reference, UK_BUYER)
    assert "uk-gdpr-uk-personal-data-terms" in fired_codes(at_home)
    assert "uk-gdpr-uk-personal-data-team-outside-uk" not in fired_codes(at_home)
    assert any(c.text.startswith("Sign UK GDPR processor terms") for c in at_home.conditions)


def test_personal_information_leaving_mainland_china_needs_its_route_and_may_need_the_cacs_assessment(
    reference: Playbook,
) -> None:
    # Review 69: a Shanghai buyer read "KPO wins" with only a medium "not covered" risk shared with Singapore and Hong
    # Kong; PIPL Art. 38(1) allows three routes, and above the CAC's thresholds the assessment is an approval.
    changes = {
        "buyer_location": "singapore",
        "buyer_apac_country": "mainland-china",
        "data_categories": ["other-personal"],
    }
    ev = evaluated_case(reference, TOKYO, **changes)
    fired = fired_codes(ev)
    assert "pipl-mainland-china-buyer" in fired and not any(c.startswith("other-personal-data") for c in fired)
    assert ev.verdict != "wins"
    assert any("Cyberspace Administration of China" in g.text for g in ev.gates)
    assert any(r.severity == "high" and "PIPL Art. 38(1)" in r.mitigation for r in ev.risks)
    hong_kong = evaluated_case(reference, TOKYO, **{**changes, "buyer_apac_country": "hong-kong"})
    assert "other-personal-data-hong-kong" in fired_codes(hong_kong)
    assert "pipl-mainland-china-buyer" not in fired_codes(hong_kong)


def test_a_us_pension_plan_is_told_its_fiduciaries_choose_and_monitor_the_provider(reference: Playbook) -> None:
    # Review 69: a US pension fund read only "check what your own regulator expects".
    ev = evaluated_case(reference, SUPER, buyer_regulated_in="us", buyer_location="us")
    assert "erisa-us-pension-plan" in fired_codes(ev)
    assert any("29 U.S.C. 1104(a)(1)(B)" in c.text and "governmental plan" in c.text for c in ev.conditions)
    assert "erisa-us-pension-plan" not in fired_codes(evaluated_case(reference, SUPER))


def test_wording_names_who_is_bound_and_which_rules_apply(reference: Playbook) -> None:
    # Own centre: the research is bound on the centre's staff, not on "the provider and its analysts".
    own = evaluated_case(
        reference,
        "US company with an entity in India: its own FP&A centre of 60",
        data_categories=["mnpi-research"],
        mnpi_inside_information="own-research-only",
    )
    texts = [c.text for c in own.conditions]
    assert any(t.startswith("Bind your centre's staff") for t in texts)
    assert not any("Bind the provider and its analysts" in t for t in texts)
    # Research no US broker-dealer sends: Regulation AC is named only where it applies.
    research = evaluated_case(reference, "Broker-dealer research written offshore with no time to supervise")
    (risk,) = [r for r in research.risks if r.rule == "research-written-by-provider"]
    assert risk.title == "Research independence, and analyst certification where it applies"
    assert "Where a US broker-dealer distributes the research" in risk.mitigation


def test_a_start_within_a_month_gives_one_notice_risk_with_the_regulators_citations_and_the_open_notices(
    reference: Playbook,
) -> None:
    # Review 69: a UK bank starting within a month read two high risks saying the same thing.
    ev = evaluated_case(reference, "UK bank: financial modelling for a critical function", start_within="within-month")
    notices = [r for r in ev.risks if r.title.startswith("A start within a month")]
    assert len(notices) == 1
    (risk,) = notices
    assert risk.rule == "critical-function-start-within-a-month"
    assert (
        "SUP 15.3.8G(1)(e)" in risk.mitigation and "Still to be given: the notice to your regulator" in risk.mitigation
    )
