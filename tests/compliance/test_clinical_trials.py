"""Clinical work is asked what it is: trial data reads good clinical practice (ICH E6(R3)), and for a US sponsor the
FDA's electronic records rule (21 CFR 11.10) and the written transfer of its IND obligations (21 CFR 312.52), for a
trial in the EU the sponsor's delegation under Regulation (EU) No 536/2014 Art. 71, each duty with its source;
drug-safety case work reads none of them. A trial sponsor is not told of the FTC's rule for vendors of personal
health records, and the scope of ICH E6(R3) says what it is for a US sponsor."""

from __future__ import annotations

import pytest

from apps.playbooks.engine import clean_answers
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
DRUG_MAKER = "French drug maker"
US_BIOTECH = "US biotech: trial data management"
ICH = "https://database.ich.org/sites/default/files/ICH_E6%28R3%29_Step4_FinalGuideline_2025_0106.pdf"
PART11 = "https://www.ecfr.gov/current/title-21/section-11.10"


def test_a_us_sponsors_trial_data_reads_gcp_and_part_11_with_their_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_BIOTECH)
    assert {"ich-gcp", "fda-part11"} <= set(ev.regime_codes)
    gcp = obligations(ev, "ich-gcp")
    assert gcp["transfer-in-writing"] == ("ICH E6(R3), Principle 10.1-10.2; Annex 1, section 3.6", ICH, "secondary")
    assert gcp["provider-oversight"][:2] == ("ICH E6(R3), Principle 10.3; Annex 1, section 3.6", ICH)
    assert gcp["data-governance"][:2] == ("ICH E6(R3), Annex 1, sections 4.2.3-4.2.5", ICH)
    part11 = obligations(ev, "fda-part11")
    assert {code: citation for code, (citation, _u, _c) in part11.items()} == {
        "validated-systems": "21 CFR 11.10(a)",
        "audit-trails": "21 CFR 11.10(e)",
        "access-and-training": "21 CFR 11.10(d), (i)",
    }
    assert {url for _c, url, _k in part11.values()} == {PART11}
    assert any(
        c.text.startswith("Check that the provider's systems for your trial records meet 21 CFR Part 11")
        for c in ev.conditions
    )
    # The sponsor's own law on delegating stays beside it, now citing the guideline in force.
    (oversight,) = [f for f in ev.fired if f.code.startswith("clinical-data-sponsor-oversight")]
    assert "21 CFR 312.52(a)" in oversight.rationale and "ICH E6(R3)" in oversight.rationale
    assert "R2" not in oversight.rationale


@pytest.mark.parametrize(
    ("changes", "gcp", "part11"),
    [
        ({"clinical_work": ["drug-safety"]}, False, False),  # drug-safety cases: pharmacovigilance, not GCP
        ({"clinical_work": ["trial-data", "drug-safety"]}, True, True),
        # A European sponsor of a trial with participants in the US reads the FDA's rules as a US sponsor does
        # (21 CFR 11.1(b); review 107); with participants only in Europe, GCP alone.
        ({"buyer_location": "eu", "home_market": "eu"}, True, True),
        ({"buyer_location": "uk", "home_market": "uk"}, True, True),
        ({"buyer_location": "eu", "home_market": "eu", "client_jurisdictions": ["eu"]}, True, False),
        ({"buyer_location": "uk", "home_market": "uk", "client_jurisdictions": ["uk"]}, True, False),
    ],
)
def test_which_clinical_work_decides_which_rules_it_reads(
    reference: Playbook, changes: dict[str, object], gcp: bool, part11: bool
) -> None:
    codes = set(evaluated_case(reference, US_BIOTECH, **changes).regime_codes)
    assert ("ich-gcp" in codes, "fda-part11" in codes) == (gcp, part11)


def test_the_french_drug_makers_safety_screening_reads_no_trial_rules(reference: Playbook) -> None:
    codes = set(evaluated_case(reference, DRUG_MAKER).regime_codes)
    assert codes.isdisjoint({"ich-gcp", "fda-part11"}) and "gdpr" in codes


def test_the_question_is_asked_of_clinical_work_alone_and_must_be_answered(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    answers = {**reference.golden_cases.get(name__startswith=US_BIOTECH).answers}
    del answers["clinical_work"]
    ev = evaluated_case(reference, US_BIOTECH, clinical_work=None)
    assert "clinical_work" in ev.visible and "clinical_work" in ev.missing_required
    assert (
        "clinical_work"
        not in evaluated_case(reference, "French drug maker", function="market-research-analytics").visible
    )
    _answers, problems = clean_answers(compiled.questions, {**answers, "clinical_work": ["archiving"]})
    assert problems


CFR_312_52 = "https://www.ecfr.gov/current/title-21/section-312.52"
CTR = "https://eur-lex.europa.eu/eli/reg/2014/536/oj"


def test_a_us_sponsor_describes_in_writing_the_obligations_the_provider_takes_on(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_BIOTECH)
    ind = obligations(ev, "fda-ind-cro-transfer")
    assert ind == {
        "transfer-in-writing": ("21 CFR 312.52(a)", CFR_312_52, "secondary"),
        "provider-accountable": ("21 CFR 312.52(b)", CFR_312_52, "secondary"),
    }
    assert "eu-ctr-delegation" not in ev.regime_codes  # no participants in the EU, no EU sponsor
    assert any(c.text.endswith("(21 CFR 50.25(a)(5))") for c in ev.conditions)


@pytest.mark.parametrize(
    ("changes", "ctr"),
    [
        ({"client_jurisdictions": ["us", "eu"], "data_categories": ["other-personal", "eu-personal"]}, True),
        # The Regulation follows the trial (Art. 1): an EU sponsor reads it for participants in the EU, or when it
        # has not said where they are, not for a trial with participants only in the US (review 107).
        (
            {"buyer_location": "eu", "buyer_eu_country": "france", "home_market": "eu", "client_jurisdictions": ["eu"]},
            True,
        ),
        (
            {"buyer_location": "eu", "buyer_eu_country": "france", "home_market": "eu", "client_jurisdictions": None},
            True,
        ),
        ({"buyer_location": "eu", "buyer_eu_country": "germany", "home_market": "eu"}, False),
        ({"buyer_location": "eu", "buyer_eu_country": "outside-eu", "home_market": "other"}, False),
        ({"buyer_location": "eu", "buyer_eu_country": "switzerland", "home_market": "other"}, False),
        ({"clinical_work": ["drug-safety"], "client_jurisdictions": ["eu"], "data_categories": ["eu-personal"]}, False),
    ],
    ids=[
        "eu-participants",
        "eu-sponsor-eu-participants",
        "eu-sponsor-participants-not-said",
        "eu-sponsor-us-participants",
        "outside-eu-sponsor-us-participants",
        "swiss-sponsor-us-participants",
        "drug-safety",
    ],
)
def test_a_trial_in_the_eu_reads_the_sponsors_delegation_under_the_clinical_trials_regulation(
    reference: Playbook, changes: dict[str, object], ctr: bool
) -> None:
    ev = evaluated_case(reference, US_BIOTECH, **changes)
    assert ("eu-ctr-delegation" in ev.regime_codes) is ctr
    if ctr:
        eu = obligations(ev, "eu-ctr-delegation")
        assert eu["delegate-in-writing"] == ("Regulation (EU) No 536/2014, Art. 71", CTR, "secondary")
        assert eu["legal-representative"][0] == "Regulation (EU) No 536/2014, Art. 74(1)"


def test_a_trial_sponsor_is_not_pointed_at_the_ftcs_health_breach_rule(reference: Playbook) -> None:
    phi = {"data_categories": ["phi", "eu-personal"], "client_jurisdictions": ["us", "eu"], "hipaa_role": "neither"}
    ev = evaluated_case(reference, US_BIOTECH, **phi, sensitive_personal_data=["special-category"], phi_deidentify=True)
    assert "health-data-outside-hipaa" not in {f.code for f in ev.fired}
    assert not any("Health Breach Notification" in r.mitigation for r in ev.risks)
    # A buyer outside clinical work holding health data outside HIPAA is told the rule applies only to a PHR vendor.
    other = evaluated_case(reference, US_BIOTECH, **phi, function="market-research-analytics", clinical_work=None,
                           sensitive_personal_data=["special-category"], phi_deidentify=True)  # fmt: skip
    (risk,) = [r for r in other.risks if r.rule == "health-data-outside-hipaa"]
    assert "if you offer consumers a personal health record" in risk.mitigation


def test_the_scope_of_ich_e6_r3_says_what_it_is_for_a_us_sponsor(reference: Playbook) -> None:
    regime = next(r for r in evaluated_case(reference, US_BIOTECH).regimes if r.code == "ich-gcp")
    assert regime.jurisdiction == (
        "Where regulators adopt ICH E6(R3): the EU from 23 July 2025; the US as FDA guidance, not binding "
        "(21 CFR 10.115(d))"
    )
    assert "the binding US rules are those of 21 CFR Parts 50, 312 and 11" in regime.summary
    assert regime.confidence == "secondary"


@pytest.mark.parametrize(
    "sponsor", [{"buyer_location": "eu", "buyer_eu_country": "germany"}, {"buyer_location": "japan-korea"}]
)
def test_a_sponsor_outside_the_us_with_participants_in_the_us_reads_the_fdas_trial_rules(
    reference: Playbook, sponsor: dict[str, object]
) -> None:
    # Review 107: a German or Japanese sponsor's trial with participants only in the US read no FDA rule (they
    # followed the sponsor's place), and the German one read the EU Clinical Trials Regulation instead.
    ev = evaluated_case(reference, US_BIOTECH, home_market="other", **sponsor)
    assert {"fda-part11", "fda-ind-cro-transfer", "ich-gcp"} <= set(ev.regime_codes)
    assert "eu-ctr-delegation" not in ev.regime_codes
    assert obligations(ev, "fda-ind-cro-transfer")["transfer-in-writing"][0] == "21 CFR 312.52(a)"
    assert any(c.text.startswith("If the trial's records are kept under FDA rules") for c in ev.conditions)
    assert any(c.text.endswith("(21 CFR 50.25(a)(5))") for c in ev.conditions)
    fired = {f.code for f in ev.fired}
    assert {"clinical-trial-part11-us-participants", "clinical-trial-ind-transfer-us-participants"} <= fired
    assert not {"clinical-trial-part11", "clinical-trial-ind-transfer"} & fired
