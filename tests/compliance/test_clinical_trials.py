"""Clinical work is asked what it is: trial data reads good clinical practice (ICH E6(R3)), and for a US sponsor the
FDA's electronic records rule (21 CFR 11.10), each duty with its source; drug-safety case work reads neither."""

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
        ({"buyer_location": "eu", "home_market": "eu"}, True, False),  # a European sponsor: GCP alone
        ({"buyer_location": "uk", "home_market": "uk"}, True, False),
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
