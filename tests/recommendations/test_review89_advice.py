"""Advice a sourcing adviser and a regulatory lawyer checked (review 89): research a broker-dealer publishes after a
light review of the provider's draft is blocked whoever is answered as signing it, unless supervision is budgeted; a
buyer that is itself a HIPAA business associate reads its own clients' agreements and signs a subcontractor agreement;
the EEA's and adequate countries' location points are a buyer's in Europe."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.compliance.models import Obligation
from apps.playbooks.models import Playbook
from tests.recommendations.conftest import recommend
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db

BROKER = "US broker-dealer: credit research drafted offshore"
CODING = "US hospital group: steady medical coding bought as a managed service"


@pytest.mark.parametrize(
    "answers",
    [
        {"licensed_signoff": ["none"]},  # nobody answered as signing: the capacity question is not asked
        {"signoff_capacity": "limited"},
        {"signoff_capacity": "no"},
    ],
)
def test_provider_written_research_published_after_a_light_review_is_blocked(
    reference: Playbook, answers: dict[str, object]
) -> None:
    ev = evaluated_case(reference, BROKER, **answers)
    assert ev.verdict == "doesnt_win"
    (blocker,) = [b for b in ev.blockers if b.rule == "reg-ac-provider-written-unsupervised"]
    assert "published after a light review" in blocker.reason and "17 CFR 242.501(a)" in blocker.reason


def test_with_supervision_budgeted_the_analyst_adopts_every_report_as_a_condition(reference: Playbook) -> None:
    ev = evaluated_case(reference, BROKER)
    assert "reg-ac-provider-written-unsupervised" not in fired_codes(ev) and ev.verdict != "doesnt_win"
    (condition,) = [c.text for c in ev.conditions if c.rule == "reg-ac-provider-drafted"]
    assert "a light review is not enough" in condition and "FINRA Rule 1220(b)(6)" in condition
    # Research the buyer's analysts adopt carries no such condition.
    adopted = evaluated_case(reference, BROKER, research_authorship="onshore-adopts")
    assert "reg-ac-provider-drafted" not in fired_codes(adopted)


def test_a_business_associate_reads_its_clients_agreements_and_signs_a_subcontractor_agreement(
    reference: Playbook,
) -> None:
    associate = evaluated_case(reference, CODING, hipaa_role="business-associate")
    (condition,) = [c.text for c in associate.conditions if c.rule == "hipaa-buyer-business-associate"]
    assert "business associate agreements you signed with your covered-entity clients" in condition
    assert "45 CFR 164.502(e)(1)(ii), 164.504(e)(5)" in condition
    covered = evaluated_case(reference, CODING)
    assert "hipaa-buyer-business-associate" not in fired_codes(covered)


def test_the_breach_notice_obligation_reads_for_a_business_associate_too(reference: Playbook) -> None:
    action = Obligation.objects.get(regime__code="hipaa", code="breach-notice-sla").action
    assert "as a covered entity, 60 days to the individuals (164.404)" in action
    assert "as a business associate yourself, the notice to your covered-entity client" in action


EU_FIRM = "EU asset manager: outsourced sector research with EU client data"
UK_FIRM = "UK wealth manager: buying sector research"


def test_a_uk_payment_or_e_money_institution_reads_its_own_outsourcing_law(reference: Playbook) -> None:
    # Review 89: a UK payments firm was given a regulator-notice gate resting on SS2/21 and SYSC 8 alone.
    ev = evaluated_case(reference, UK_FIRM, buyer_sector="payments")
    assert "uk-payments-outsourcing" in ev.regime_codes
    # The notice is owed critical or not: a gate of the notice kind (review 99), as a critical function's notice is.
    (gate,) = [g for g in ev.gates if g.rule == "uk-payments-outsourcing"]
    assert gate.notice
    assert (
        "Payment Services Regulations 2017 reg. 25(1)" in gate.text
        and "Electronic Money Regulations 2011 reg. 26(1)" in gate.text
    )
    urls = set(Obligation.objects.filter(regime__code="uk-payments-outsourcing").values_list("source_url", flat=True))
    assert urls and all(u.startswith("https://www.legislation.gov.uk/uksi/") for u in urls)
    assert "uk-payments-outsourcing" not in evaluated_case(reference, UK_FIRM).regime_codes


def test_an_eu_payment_institution_reads_psd2_article_19_6(reference: Playbook) -> None:
    ev = evaluated_case(reference, EU_FIRM, buyer_sector="payments")
    assert {"psd2-outsourcing", "eba-outsourcing"} <= set(ev.regime_codes)
    # A gate of the notice kind, critical or not, as the UK's is (review 101: the UK's held the verdict, this did not).
    (gate,) = [g for g in ev.gates if g.rule == "psd2-payments-outsourcing"]
    assert gate.notice and "Directive (EU) 2015/2366 Art. 19(6)" in gate.text
    assert ev.verdict != "wins"
    citations = Obligation.objects.filter(regime__code="psd2-outsourcing").values_list("citation", flat=True)
    assert any("Art. 19(6), first subparagraph" in c for c in citations)
    assert "psd2-outsourcing" not in evaluated_case(reference, EU_FIRM).regime_codes


def test_a_french_investment_firm_follows_the_arrete_of_3_november_2014(reference: Playbook) -> None:
    french = evaluated_case(reference, EU_FIRM, buyer_eu_country="france")
    assert "fr-arrete-2014-outsourcing" in french.regime_codes
    manager = evaluated_case(reference, EU_FIRM, buyer_eu_country="france", eu_investment_licence="ucits-manco")
    assert "fr-arrete-2014-outsourcing" not in manager.regime_codes  # an AMF-supervised management company


def test_a_weak_locations_reason_is_listed_below_the_table_and_linked_from_its_badge(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Reviews 91 and 93: the reason was a hover title, then a disclosure inside the row's header cell.
    rec = recommend(reference, organisation, buyer, EU_FIRM)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    weak = [loc for loc in rec.record.evaluation.top_locations if loc.confidence == "weak" and not loc.excluded_because]
    assert weak
    for loc in weak:
        assert f'<a class="badge badge--weak" href="#weak-{loc.code}">' in page
        assert f'<li id="weak-{loc.code}"><strong>{loc.name}:</strong>' in page
    assert 'class="badge badge--weak" title=' not in page and '<details class="weak-why"' not in page
