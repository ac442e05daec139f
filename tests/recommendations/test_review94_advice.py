"""Advice a sourcing adviser and a regulatory lawyer checked (review 94)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_answers

pytestmark = pytest.mark.django_db

# Every situation below is this one with some answers changed: a steady, mixed-judgement job bought from a provider.
BASE: dict[str, Any] = {
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 3,
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 3,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 2,
    "shifted_hours": True,
    "overnight_turnaround": True,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["soc2", "iso27001"],
    "preferred_region": "no-preference",
    "work_language": "none",
}
SYDNEY_ACTUARIES = {
    **BASE,
    "buyer_location": "australia-east",
    "home_market": "other",
    "client_jurisdictions": ["other"],
    "function": "actuarial",
    "buyer_sector": "insurer",
    "buyer_regulated_in": "australia",
    "critical_function": True,
    "annual_hours": 8000,
    "team_size": 4,
    "data_categories": ["au-personal"],
    "licensed_signoff": ["actuary"],
    "signoff_capacity": "yes",
    "overlap_hours": 3,
}


def test_clocks_changing_in_opposite_seasons_are_an_hour_either_side_of_the_middle(reference: Playbook) -> None:
    # Sydney keeps summer time from October to April, Poland from March to October: on a day moved four hours earlier
    # (05:00-13:00 in Warsaw) the overlap is 2 h in the southern summer and 4 h in July. It was shown as "3 h" and
    # ranked first against a 3-hour requirement.
    ev = evaluated_answers(reference, SYDNEY_ACTUARIES)
    by_code = {loc.code: loc for loc in ev.locations}
    (why,) = by_code["poland"].excluded_because  # 2 h for months is short of the 3 h needed
    assert "overlaps 2–4 h with your working day over the year (2.5 h taken" in why
    romania = by_code["romania"]
    assert not romania.excluded_because
    assert romania.shifted_day == "05:00–13:00" and romania.shifted_gives == "3–5 h over the year"
    assert romania.moved_furthest  # no day moved further gives more: the page says no "up to … on a day moved further"
    # One clock moving alone (South Africa keeps none) is half an hour either side, the catalogue's convention: the
    # figure shown is the middle one.
    assert by_code["south-africa"].shifted_gives == "" and by_code["south-africa"].overlap_yours == 3.5
    # India, whose day moves half an hour, could move further for more.
    assert by_code["india"].shifted_gives == "3–4 h over the year" and not by_code["india"].moved_furthest


def test_the_locations_table_gives_the_year_s_range_and_no_further_move_where_there_is_none(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=SYDNEY_ACTUARIES)
    rec = submit_and_recommend(assessment=a, user=buyer)
    page = re.sub(
        r"\s+",
        " ",
        html.unescape(
            re.sub(r"<[^>]+>", " ", buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
        ),
    )
    assert "3–5 h over the year working 05:00–13:00 there" in page  # Romania
    assert "3–5 h over the year working 05:00–13:00 there; up to" not in page
    # India's day could move further for more, and says so.
    assert "3–4 h over the year working 08:30–16:30 there; up to 7 h on a day moved further" in page


US = {"buyer_location": "us", "buyer_us_zone": "eastern", "home_market": "us", "client_jurisdictions": ["us"]}


def test_a_buyer_processing_clients_personal_data_needs_their_authorisation_for_the_provider(
    reference: Playbook,
) -> None:
    # A market research firm handling its clients' EU and UK panel data had "KPO wins" with no word that each client
    # must authorise a sub-processor, and was told to sign the controller-to-processor clauses.
    reseller = {
        **BASE,
        **US,
        "function": "market-research-analytics",
        "buyer_sector": "other",
        "buyer_regulated_in": "us",
        "client_jurisdictions": ["us", "eu", "uk"],
        "annual_hours": 50000,
        "team_size": 25,
        "data_categories": ["eu-personal", "uk-personal", "other-personal"],
        "prior_outsourcing": "kpo",
    }
    controller = evaluated_answers(reference, reseller, gdpr_role="controller")
    assert "gdpr-buyer-processor" not in {f.code for f in controller.fired}
    for role in ("processor", "both"):
        ev = evaluated_answers(reference, reseller, gdpr_role=role)
        assert any("prior written authorisation" in g.text and "Art. 28(2)" in g.text for g in ev.gates)
        # Review 124: the conditions' checklist lists the clients' authorisation as well as the flow-down, so a
        # gate whose rule sets another condition is not left off it.
        authorisation, flow_down = [c.text for c in ev.conditions if c.rule == "gdpr-buyer-processor"]
        assert authorisation.startswith("Before signing:")  # as the gate, not once the provider starts (review 127)
        assert "prior written authorisation" in authorisation and "Art. 28(2)" in authorisation
        assert "Art. 28(4)" in flow_down
        # A buyer in the US received the data under its clients' transfer terms: the provider is an onward transfer
        # those terms govern, not a Module 3 contract of its own (review 111).
        (onward,) = [c.text for c in ev.conditions if c.rule == "gdpr-buyer-processor-onward-transfer"]
        assert "Clauses 8.8 and 9 of Modules 2 and 3" in onward and "not a new Module 3 contract" in onward
        assert not [c for c in ev.conditions if c.rule == "gdpr-buyer-processor-transfer-from-europe"]
    # From within Europe, sending it out is a processor-to-processor transfer under the law where the buyer is (review
    # 150: the conditions had gone by whose data it is): Module 3 from the EU, the UK's IDTA or Addendum from the UK.
    for where in ({"buyer_location": "eu", "buyer_eu_country": "netherlands"}, {"buyer_location": "uk"}):
        ev = evaluated_answers(reference, reseller, gdpr_role="processor", **where)
        texts = {
            c.rule: c.text for c in ev.conditions if c.rule.startswith("gdpr-buyer-processor-transfer-from-europe")
        }
        if where["buyer_location"] == "uk":
            assert list(texts) == ["gdpr-buyer-processor-transfer-from-europe-uk"]
            uk_export = texts["gdpr-buyer-processor-transfer-from-europe-uk"]
            assert "Data Protection Act 2018 s. 119A" in uk_export and "Data Protection Act 2018 s. 17A" in uk_export
            assert "Module 3" not in uk_export
            continue
        assert list(texts) == ["gdpr-buyer-processor-transfer-from-europe"]
        export = texts["gdpr-buyer-processor-transfer-from-europe"]
        assert "Module 3 (processor to processor)" in export and "119A" not in export
        # Not to a country with an adequacy decision (review 144: Module 3 asked beside Argentina's adequacy).
        assert "for a country without an EU adequacy decision" in export and "needs no transfer tool" in export
        assert "GDPR Art. 45(1)" in export
        # The regime's own obligation names the processor's module too (it named Module 2 alone).
        actions = [
            str(o.get("action", ""))
            for r in ev.regimes
            if r.code == "gdpr"
            for _phase, _label, items in r.obligations
            for o in items
            if o.get("code") == "transfer-tool"
        ]
        # Delivered from Poland (in the EEA), no transfer tool is due, so none is listed; the obligation's words are
        # read from the catalogue below.
        assert all(
            "Module 3 (processor to processor) where you process the data for your clients" in a for a in actions
        )
        assert not [c for c in ev.conditions if c.rule.startswith("gdpr-buyer-processor-onward-transfer")]
    # Whose data it is does not choose the tool (review 150): a UK buyer with EU data alone signs the UK's, a Dutch
    # buyer with UK data alone Module 3.
    uk_eu = evaluated_answers(
        reference, reseller, gdpr_role="processor", buyer_location="uk", data_categories=["eu-personal"]
    )
    assert [c.rule for c in uk_eu.conditions if "transfer-from-europe" in c.rule] == [
        "gdpr-buyer-processor-transfer-from-europe-uk"
    ]
    nl_uk = evaluated_answers(
        reference,
        reseller,
        gdpr_role="processor",
        buyer_location="eu",
        buyer_eu_country="netherlands",
        data_categories=["uk-personal"],
    )
    assert [c.rule for c in nl_uk.conditions if "transfer-from-europe" in c.rule] == [
        "gdpr-buyer-processor-transfer-from-europe"
    ]
    from apps.playbooks.runtime import compiled_playbook

    gdpr = compiled_playbook(reference).catalogue.regimes["gdpr"]
    (tool,) = [o for o in gdpr["obligations"] if o["code"] == "transfer-tool"]
    assert "Module 3 (processor to processor) where you process the data for your clients" in tool["action"]
    swiss = evaluated_answers(
        reference, reseller, gdpr_role="processor", buyer_location="eu", buyer_eu_country="switzerland"
    )
    assert [c.rule for c in swiss.conditions if "onward" in c.rule] == [
        "gdpr-buyer-processor-onward-transfer-europe-outside-eu"
    ]
    unsure = evaluated_answers(reference, reseller, gdpr_role="not-sure")
    assert any(c.rule == "gdpr-buyer-role-unknown" for c in unsure.conditions)


def test_a_one_off_us_review_surge_asks_for_the_contract_attorney_comparator(reference: Playbook) -> None:
    surge = {
        **BASE,
        **US,
        "function": "legal-review",
        "buyer_sector": "law-firm",
        "buyer_regulated_in": "us",
        "volume_pattern": "one-off",
        "duration_weeks": 10,
        "deliverables": 1,
        "annual_hours": 12000,
        "team_size": 25,
        "start_within": "within-month",
        "delivery_ownership": "per-deliverable",
        "data_categories": ["privileged-legal", "other-personal"],
        "legal_us_lawyers": True,
        "legal_client_consent": "obtained",
        "legal_us_litigation_review": True,
        "licensed_signoff": ["attorney"],
        "signoff_capacity": "yes",
    }
    ev = evaluated_answers(reference, surge)
    (condition,) = [c.text for c in ev.conditions if c.rule == "legal-review-surge-comparator"]
    assert "contract attorneys through an agency" in condition and "weak and old" in condition
    # With the buyer's own figure, or steady work, it is not asked.
    assert "legal-review-surge-comparator" not in {
        f.code for f in evaluated_answers(reference, surge, own_figures=True, own_inhouse_cost=104000).fired
    }
    # Document review answered as rules-based is credentialed work under a lawyer's supervision, not BPO.
    routine = evaluated_answers(reference, surge, work_nature="rules-based")
    assert "rules-based-work-is-bpo" not in {f.code for f in routine.fired}
    assert any("ABA Model Rule 5.3" in c.text for c in routine.conditions)


@pytest.mark.parametrize(
    ("where", "rule"), [("uk", "sra-clients-refuse-sharing"), ("australia", "au-solicitors-clients-refuse")]
)
def test_a_law_firm_whose_clients_refuse_consent_is_blocked_as_in_the_us(
    reference: Playbook, where: str, rule: str
) -> None:
    firm = {
        **BASE,
        "buyer_location": "uk" if where == "uk" else "australia-east",
        "home_market": "uk" if where == "uk" else "other",
        "client_jurisdictions": ["uk" if where == "uk" else "other"],
        "function": "legal-review",
        "buyer_sector": "law-firm",
        "buyer_regulated_in": where,
        "annual_hours": 4000,
        "team_size": 2,
        "data_categories": ["privileged-legal"],
        "legal_us_lawyers": False,
        "legal_client_consent": "cannot",
        "legal_disclosure_review": False,
        "licensed_signoff": ["attorney"],
        "signoff_capacity": "yes",
    }
    ev = evaluated_answers(reference, firm)
    assert ev.verdict == "doesnt_win" and any(b.rule == rule for b in ev.blockers)
    assert evaluated_answers(reference, firm, legal_client_consent="can-obtain").verdict != "doesnt_win"


@pytest.mark.parametrize("where", ["singapore", "canada", "australia"])
def test_a_bank_s_model_risk_condition_names_only_its_own_supervisor_s_rules(reference: Playbook, where: str) -> None:
    bank = {
        **BASE,
        **US,
        "buyer_location": "other",
        "home_market": "other",
        "client_jurisdictions": ["other"],
        "function": "financial-analysis",
        "buyer_sector": "bank",
        "buyer_regulated_in": where,
        "model_risk_work": True,
        "annual_hours": 8000,
        "team_size": 4,
        "data_categories": ["none"],
    }
    ev = evaluated_answers(reference, bank)
    texts = " ".join(c.text for c in ev.conditions) + " ".join(r.mitigation for r in ev.risks)
    assert ("OSFI" in texts) == (where == "canada") and ("APRA" in texts) == (where == "australia")
    assert any("model inventory" in c.text for c in ev.conditions)


def test_kpo_that_likely_costs_more_asks_for_the_reason_other_than_cost(reference: Playbook) -> None:
    # A UK public body's small one-off study, 52% dearer by its project price with a saving in about one case in ten,
    # read "KPO wins" with nothing asked.
    study = {
        **BASE,
        "buyer_location": "uk",
        "home_market": "uk",
        "client_jurisdictions": ["uk"],
        "function": "market-research-analytics",
        "buyer_sector": "public-body",
        "core_differentiator": "commodity",
        "ip_sensitivity": "low",
        "volume_pattern": "one-off",
        "duration_weeks": 12,
        "deliverables": 2,
        "annual_hours": 1200,
        "team_size": 2,
        "delivery_ownership": "per-deliverable",
        "data_categories": ["none"],
        "vendor_assurance": ["none"],
    }
    ev = evaluated_answers(reference, study)
    top = next(m for m in ev.cost.models if m.model == ev.models[0].code)
    assert top.savings_percent is not None and top.savings_percent < 0
    (dearer,) = [c.text for c in ev.conditions if c.text.startswith("Name the reason other than cost")]
    assert f"likely costs {round(-top.savings_percent)}% more" in dearer
