"""Data classes that decide the answer: EU and UK special-category and criminal-offence data (GDPR Arts. 9 and 10,
the DPA 2018's Schedule 1 conditions and policy document, an impact assessment first) and US government Controlled
Unclassified Information (32 CFR part 2002, DFARS 252.204-7012, NIST SP 800-171), each with its obligations and
sources on the result page."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import clean_answers
from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
INSURER = "UK motor insurer: injury-claims and fraud analytics"
CONTRACTOR = "US defence contractor: cost and pricing analysis"
SENSITIVE_CONDITION = "Before special-category or criminal-offence data reaches the team"
CUI_GATE = "written agreement from whoever shared the CUI with you (the contracting officer, the prime contractor or"
EXPORT_CHECK = "Find out whether the CUI is also export-controlled technical data"


def regimes(ev: Evaluation) -> set[str]:
    return {r.code for r in ev.regimes}


def citations(ev: Evaluation, code: str) -> str:
    return " ".join(o["citation"] for r in ev.regimes if r.code == code for _, _, group in r.obligations for o in group)


def page_of(reference: Playbook, organisation: Organisation, buyer: User, client: Client, case: str) -> str:
    compiled = compiled_playbook(reference)
    answers, problems = clean_answers(compiled.questions, reference.golden_cases.get(name__startswith=case).answers)
    assert not problems
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    return html.unescape(client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())


def test_the_sensitive_data_question_is_asked_only_about_eu_or_uk_personal_data(reference: Playbook) -> None:
    assert "sensitive_personal_data" in evaluated_case(reference, INSURER).visible
    us_only = evaluated_case(reference, INSURER, data_categories=["glba-financial"], sensitive_personal_data=None)
    assert "sensitive_personal_data" not in us_only.visible


def test_a_uk_insurer_with_health_and_fraud_data_needs_a_schedule_1_condition_a_policy_document_and_a_dpia(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, INSURER)
    plain = evaluated_case(reference, INSURER, sensitive_personal_data=None)

    assert "uk-gdpr-special-data" in regimes(ev) and "uk-gdpr-special-data" not in regimes(plain)
    assert "gdpr-special-data" not in regimes(ev)
    cited = citations(ev, "uk-gdpr-special-data")
    for pinpoint in ("s.10(1)-(3)", "Sch.1 Part 3", "paras. 38-40", "35(3)(b)", "28(3)"):
        assert pinpoint in cited, pinpoint
    assert any(c.text.startswith(SENSITIVE_CONDITION) for c in ev.conditions)
    assert not any(c.text.startswith(SENSITIVE_CONDITION) for c in plain.conditions)
    assert ev.fit_score == plain.fit_score - 5 and ev.verdict == plain.verdict == "conditional"


def test_special_category_data_makes_delivery_outside_the_uk_adequacy_list_harder(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER)
    plain = evaluated_case(reference, INSURER, sensitive_personal_data=None)
    score = {loc.code: loc.score for loc in ev.locations}
    before = {loc.code: loc.score for loc in plain.locations}

    assert score["india"] == before["india"] - 5 and score["poland"] == before["poland"]
    india = next(loc for loc in ev.locations if loc.code == "india")
    assert any("transfer risk assessment that holds up for special-category" in c.text for c in india.contributions)


def test_an_eu_buyer_gets_articles_9_10_and_35_3_b(reference: Playbook) -> None:
    ev = evaluated_case(
        reference, INSURER, data_categories=["eu-personal"], sensitive_personal_data=["criminal-offence"]
    )

    assert "gdpr-special-data" in regimes(ev) and "uk-gdpr-special-data" not in regimes(ev)
    cited = citations(ev, "gdpr-special-data")
    for pinpoint in ("Art. 9(1), 9(2)(a)-(j)", "GDPR Art. 10", "35(3)(b)"):
        assert pinpoint in cited, pinpoint


def test_the_insurers_page_shows_the_obligations_with_their_official_sources(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    page = page_of(reference, organisation, buyer, buyer_client, INSURER)

    assert "UK GDPR and DPA 2018: special-category and criminal-offence data" in page
    assert "Have an appropriate policy document in place" in page
    assert "https://www.legislation.gov.uk/ukpga/2018/12/schedule/1/part/4" in page
    assert "https://www.legislation.gov.uk/ukpga/2018/12/section/10" in page


def test_cui_brings_the_dfars_regime_and_a_gate_and_weighs_against_offshore(reference: Playbook) -> None:
    ev = evaluated_case(reference, CONTRACTOR)
    plain = evaluated_case(reference, CONTRACTOR, data_categories=["none"])

    assert "us-cui" in regimes(ev) and "us-cui" not in regimes(plain)
    cited = citations(ev, "us-cui")
    for pinpoint in ("32 CFR 2002.16", "252.204-7012(b)(2)(i)", "(m)(1)", "15 CFR 734.13"):
        assert pinpoint in cited, pinpoint
    assert ev.fit_score == plain.fit_score - 20
    assert any(g.text.startswith(CUI_GATE) for g in ev.gates) and not plain.gates
    assert ev.verdict == "conditional" and plain.verdict == "wins"
    assert any(c.text.startswith(EXPORT_CHECK) for c in ev.conditions)


def test_cui_warns_a_shared_pool_off_as_inside_information_and_privileged_material_do(reference: Playbook) -> None:
    # A pool's analysts also work for other clients, other bidders for the contract among them; seasonal work
    # (which favours a pool) no longer makes one the best fit for CUI.
    for volume in ("steady", "seasonal"):
        ev = evaluated_case(
            reference, CONTRACTOR, volume_pattern=volume, peak_share=45 if volume == "seasonal" else None
        )
        pool = next(m for m in ev.models if m.code == "shared-pool")
        assert any(c.rule == "shared-pool-avoid-cui" and c.points == -70 for c in pool.contributions), volume
        assert ev.models[0].code != "shared-pool", volume
    plain = evaluated_case(reference, CONTRACTOR, data_categories=["none"])
    pool = next(m for m in plain.models if m.code == "shared-pool")
    assert not any(c.rule == "shared-pool-avoid-cui" for c in pool.contributions)


def test_cui_already_known_to_be_export_controlled_is_not_asked_about_it_again(reference: Playbook) -> None:
    ev = evaluated_case(reference, CONTRACTOR, data_categories=["us-cui", "export-controlled"])

    assert {"us-cui", "us-export-controls"} <= regimes(ev)
    assert not any(c.text.startswith(EXPORT_CHECK) for c in ev.conditions)


def test_cui_that_may_not_leave_the_country_is_blocked_and_still_shows_what_it_asks(reference: Playbook) -> None:
    ev = evaluated_case(reference, CONTRACTOR, data_onshore_only=True)

    assert ev.verdict == "doesnt_win" and ev.blockers and "us-cui" in regimes(ev)


def test_the_contractors_page_shows_the_dfars_obligations_with_their_official_sources(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    page = page_of(reference, organisation, buyer, buyer_client, CONTRACTOR)

    assert "US Controlled Unclassified Information (CUI) and DFARS 252.204-7012" in page
    assert "Flow the DFARS clause down into the subcontract" in page
    assert "https://www.ecfr.gov/current/title-48/section-252.204-7012" in page
    assert "https://www.ecfr.gov/current/title-32/part-2002" in page


HEALTH_CONDITION = "Before health information about people in the EU or UK reaches the team"


def test_health_information_about_eu_or_uk_people_is_special_category_data_without_the_follow_up(
    reference: Playbook,
) -> None:
    french = "French drug maker: EU patients' health data"
    unticked = evaluated_case(reference, french, sensitive_personal_data=None)
    ticked = evaluated_case(reference, french, sensitive_personal_data=["special-category"])
    no_health = evaluated_case(reference, french, data_categories=["eu-personal"], sensitive_personal_data=None)

    assert "gdpr-special-data" in regimes(unticked) and "gdpr-special-data" in regimes(ticked)
    assert "gdpr-special-data" not in regimes(no_health)

    def starts(ev: Evaluation, text: str) -> int:
        return sum(c.text.startswith(text) for c in ev.conditions)

    assert (starts(unticked, HEALTH_CONDITION), starts(unticked, SENSITIVE_CONDITION)) == (1, 0)
    # ticked as well: the follow-up's own rules apply, once, and the health rules stand aside
    assert (starts(ticked, HEALTH_CONDITION), starts(ticked, SENSITIVE_CONDITION)) == (0, 1)
    assert unticked.fit_score == ticked.fit_score  # 5 points off either way, once

    nhs = evaluated_case(reference, "Public body: an NHS trust", sensitive_personal_data=None)
    assert "uk-gdpr-special-data" in regimes(nhs) and "gdpr-special-data" not in regimes(nhs)
