"""An enterprise in Québec that hands a provider personal information about people in Canada reads Québec's
private-sector privacy Act as a regime with its obligations: the assessment before the information leaves Québec and
the written agreement taking it into account (s. 17), the mandate in writing with the provider's protection measures
(s. 18.3) and incidents reported (ss. 18.3, 3.5), cited to LégisQuébec and marked weak. A buyer in eastern Canada who
has not said where keeps the risk to check; one elsewhere in eastern Canada, and a public body, read none of it."""

from __future__ import annotations

import pytest

from apps.common.models import SourceHost
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_answers, fired_codes
from tests.recommendations.test_review47_advice import CA_BANK_MODELS

pytestmark = pytest.mark.django_db
LAW = "https://www.legisquebec.gouv.qc.ca/en/document/cs/P-39.1"
IN_QUEBEC = {**CA_BANK_MODELS, "buyer_ca_province": "quebec"}


def test_an_enterprise_in_quebec_reads_the_act_with_its_sections(reference: Playbook) -> None:
    ev = evaluated_answers(reference, IN_QUEBEC)

    assert "qc-private-sector-privacy" in ev.regime_codes
    assert obligations(ev, "qc-private-sector-privacy") == {
        "transfer-assessment": ("CQLR c P-39.1, s. 17", LAW, "weak"),
        "written-agreement": ("CQLR c P-39.1, s. 17", LAW, "weak"),
        "mandate-in-writing": ("CQLR c P-39.1, s. 18.3", LAW, "weak"),
        "breach-notice": ("CQLR c P-39.1, ss. 18.3 and 3.5", LAW, "weak"),
    }
    (text,) = [c.text for c in ev.conditions if c.rule == "quebec-transfer-assessment-in-quebec"]
    assert text.endswith("(CQLR c P-39.1, ss. 17 and 18.3)")
    assert "quebec-transfer-assessment" not in fired_codes(ev)
    assert SourceHost.objects.get(host="legisquebec.gouv.qc.ca").kind == "official"


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_ca_province": "elsewhere"},
        {"buyer_ca_province": None},
        {"buyer_ca_province": "quebec", "data_categories": ["other-personal"]},
        {"buyer_ca_province": "quebec", "buyer_sector": "public-body", "buyer_regulated_in": None},
    ],
    ids=["ontario", "not-said", "no-canadian-data", "public-body"],
)
def test_others_do_not_read_the_regime(reference: Playbook, changes: dict[str, object]) -> None:
    ev = evaluated_answers(reference, {**IN_QUEBEC, **changes})

    assert "qc-private-sector-privacy" not in ev.regime_codes
    # Not said: the risk to check stays, as before.
    assert ("quebec-transfer-assessment" in fired_codes(ev)) == (changes == {"buyer_ca_province": None})
