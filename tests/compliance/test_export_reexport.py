"""Defence and export-control texts read as the law has them: a DFARS 252.204-7012 contract applies NIST SP 800-171
Revision 2 (DoD class deviation 2024-O0013), the contracting officer's written word is cited to the paragraphs that
ask for it, and a technical assistance agreement is what a US firm needs to furnish a defence service to foreign
persons."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CONTRACTOR = "US defence contractor: cost and pricing analysis on a DoD programme's CUI"


def regime(ev: Any, code: str) -> Any:
    return next(r for r in ev.regimes if r.code == code)


def action(ev: Any, code: str, obligation: str) -> str:
    return next(o["action"] for _p, _l, items in regime(ev, code).obligations for o in items if o["code"] == obligation)


def test_a_dfars_contract_reads_nist_800_171_revision_2_under_the_class_deviation(reference: Playbook) -> None:
    ev = evaluated_case(reference, CONTRACTOR)

    cui = regime(ev, "us-cui")
    nist = next(s for s in cui.sources if "800-171" in s["title"])
    assert nist["title"].startswith("NIST SP 800-171 Rev. 2") and "/r2/" in nist["url"]
    assert "Rev. 3" not in nist["title"] and "/r3/" not in nist["url"]
    assert "Revision 2" in cui.summary and "2024-O0013" in cui.summary
    assert "NIST SP 800-171 Revision 2" in action(ev, "us-cui", "nist-800-171")
    assert "class deviation 2024-O0013" in obligations(ev, "us-cui")["nist-800-171"][0]


def test_the_contracting_officers_word_is_cited_to_the_variance_paragraphs_not_the_flow_down(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, CONTRACTOR)

    citation, url, confidence = obligations(ev, "us-cui")["contracting-officer"]
    assert '7012(m)"' not in citation and not citation.endswith("7012(m)")
    assert "(b)(2)(ii)(B)" in citation and "(m)(2)(i)" in citation and "2002.16(a)" in citation
    assert confidence == "secondary"
    assert "variance" in action(ev, "us-cui", "contracting-officer")
    # The flow-down itself stays cited to paragraph (m)(1).
    assert "(m)(1)" in obligations(ev, "us-cui")["flow-down"][0]


def test_a_technical_assistance_agreement_is_for_the_defence_service_your_people_furnish(reference: Playbook) -> None:
    ev = evaluated_case(reference, CONTRACTOR, data_categories=["us-cui", "export-controlled"], export_us_origin="yes")

    text = action(ev, "us-export-controls", "authorisation")
    assert "where the provider will furnish a defence service" not in text
    assert "your own people will furnish a defence service to the provider's foreign staff" in text
    assert "120.32" in obligations(ev, "us-export-controls")["authorisation"][0]
