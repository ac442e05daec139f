"""Law the product states to a buyer is stated plainly, with its official source, never as reported or unverified:
the UK-US data bridge (SI 2023/1028, in force 12 October 2023), the Reserve Bank of India's payment-data storage
directive (RBI/2017-18/153, 6 April 2018) and Mexico's 2025 data protection law (Diario Oficial de la Federación,
20 March 2025)."""

from __future__ import annotations

import pytest

from apps.common.models import SourceHost
from apps.common.sources import host_of
from apps.compliance.models import Obligation, Regime
from apps.engagements.models import DeliveryLocation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
HEDGES = ("unconfirmed", "unverified", "reported as", "most likely", "verify")
CANADIAN = "Policyholder data from elsewhere"


def urls(sources: list[dict[str, str]]) -> set[str]:
    return {s["url"] for s in sources}


def official(url: str) -> bool:
    host = host_of(url)
    return any(
        host == h or host.endswith("." + h)
        for h in SourceHost.objects.filter(kind=SourceHost.Kind.OFFICIAL).values_list("host", flat=True)
    )


def test_the_uk_us_data_bridge_is_stated_with_its_regulations(reference: Playbook) -> None:
    ob = Obligation.objects.get(regime__code="uk-gdpr", code="uk-adequacy-check")
    assert "Since 12 October 2023 it includes the United States" in ob.action
    assert "SI 2023/1028" in ob.citation
    assert not [h for h in HEDGES if h in ob.action.lower()]
    bridge = "https://www.legislation.gov.uk/uksi/2023/1028/contents/made"
    assert bridge in urls(Regime.objects.get(code="uk-gdpr").sources) and official(bridge)


def test_uk_transfers_are_stated_as_the_data_use_and_access_act_amended_them_and_marked_to_verify(
    reference: Playbook,
) -> None:
    # Review 54: UK GDPR Art. 45 and DPA 2018 s.17A were cited as current, marked primary, after the Data (Use and
    # Access) Act 2025 replaced them with Arts. 45A-45C on 5 February 2026.
    regime = Regime.objects.get(code="uk-gdpr")
    duties = {o.code: o for o in regime.obligations.all()}
    check = duties["uk-adequacy-check"]
    assert check.citation.startswith("UK GDPR Arts. 45A and 45B (Data (Use and Access) Act 2025, s. 85, Sch. 7")
    assert check.source_url == "https://www.legislation.gov.uk/eur/2016/679/article/45A" and official(check.source_url)
    assert "17A" not in " ".join(o.citation for o in duties.values())
    assert "not materially lower" in duties["transfer-risk-assessment"].action
    transfers = ("uk-adequacy-check", "transfer-tool", "transfer-risk-assessment")
    assert {duties[c].confidence for c in transfers} == {"weak"}
    assert regime.confidence == "weak" and "are given from secondary accounts" in regime.confidence_note
    assert "https://www.legislation.gov.uk/ukpga/2025/18/schedule/7" in urls(regime.sources)


def test_finra_rule_1210_is_dated_from_when_it_took_effect(reference: Playbook) -> None:
    ob = Obligation.objects.get(regime__code="us-broker-dealer-supervision", code="registered-activities")
    assert ob.citation.startswith("FINRA Rule 1210") and str(ob.effective_date) == "2018-10-01"


def test_the_rbi_payment_data_directive_is_stated_with_its_circular(reference: Playbook) -> None:
    ob = Obligation.objects.get(regime__code="dpdp", code="watch-transfer-blacklist")
    assert "storage of payment system data (6 April 2018, RBI/2017-18/153)" in ob.action
    assert "RBI/2017-18/153" in ob.citation
    assert not [h for h in HEDGES if h in ob.action.lower()]
    circular = "https://www.rbi.org.in/Scripts/NotificationUser.aspx?Id=11244&Mode=0"
    assert circular in urls(Regime.objects.get(code="dpdp").sources) and official(circular)


def test_mexicos_2025_data_law_is_named_with_its_official_text(reference: Playbook) -> None:
    mexico = DeliveryLocation.objects.get(code="mexico")
    assert "20 March 2025" in mexico.local_privacy_law and "replacing the 2010 law" in mexico.local_privacy_law
    for text in (mexico.local_privacy_law, mexico.confidence_note):
        assert not [h for h in HEDGES if h in text.lower()], text
    law = "https://www.diputados.gob.mx/LeyesBiblio/pdf/LFPDPPP.pdf"
    assert law in urls(mexico.sources) and official(law)

    ev = evaluated_case(reference, CANADIAN, buyer_location="mexico")
    rule = next(f for f in ev.fired if f.code == "other-personal-data-mexico")
    assert "published in the Diario Oficial de la Federación on 20 March 2025" in rule.rationale
    assert "most likely" not in rule.rationale
