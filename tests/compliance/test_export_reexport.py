"""Defence and export-control texts read as the law has them: a DFARS 252.204-7012 contract applies NIST SP 800-171
Revision 2 (DoD class deviation 2024-O0013), the contracting officer's written word is cited to the paragraphs that
ask for it, and a technical assistance agreement is what a US firm needs to furnish a defence service to foreign
persons. A firm outside the US holding US-origin technology reads the US reexport and retransfer rules, not the
rules a US exporter reads."""

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


GERMAN = "German automotive supplier: CAD on parts with US-origin technology"
US_SUPPLIER = "Export-controlled drawings: a US aerospace supplier's design work"


def texts(ev: Any, code: str) -> str:
    found = regime(ev, code)
    duties = " ".join(o["action"] for _p, _l, items in found.obligations for o in items)
    return f"{found.summary} {duties}"


def test_a_german_supplier_with_us_origin_content_reads_the_reexport_rules_not_the_exporters(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, GERMAN)

    assert {"eu-dual-use", "us-reexport"} <= set(ev.regime_codes)
    assert "us-export-controls" not in ev.regime_codes
    text = texts(ev, "us-reexport")
    assert "registration with DDTC" not in text and "foreign persons in the US" not in text
    assert "reexport" in text and "retransfer" in text and "de minimis" in text
    cited = " ".join(c for c, _u, _conf in obligations(ev, "us-reexport").values())
    for pinpoint in ("15 CFR 734.14(a)", "734.4", "22 CFR 120.51, 120.52, 123.9"):
        assert pinpoint in cited, pinpoint
    assert {conf for _c, _u, conf in obligations(ev, "us-reexport").values()} == {"secondary"}
    assert {s["url"].split("/")[2] for s in regime(ev, "us-reexport").sources} == {"www.ecfr.gov"}


def test_a_us_team_with_the_same_data_reads_the_us_export_rules_and_not_the_reexport_ones(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, US_SUPPLIER)

    assert "us-export-controls" in ev.regime_codes and "us-reexport" not in ev.regime_codes
    assert "registration with DDTC" in texts(ev, "us-export-controls")


def test_not_sure_about_us_content_shows_the_reexport_rules_outside_the_us_and_asks_nothing_of_a_us_team(
    reference: Playbook,
) -> None:
    abroad = evaluated_case(reference, GERMAN, export_us_origin="unsure")
    home = evaluated_case(reference, US_SUPPLIER, export_us_origin="unsure")

    assert "us-reexport" in abroad.regime_codes
    check = [c.text for c in abroad.conditions if c.text.startswith("Find out whether the controlled data contains")]
    assert check and "reexport or retransfer authorisation" in check[0]
    assert "us-reexport" not in home.regime_codes and "us-export-controls" in home.regime_codes
    assert not [c for c in home.conditions if c.text.startswith("Find out whether the controlled data contains")]


def test_without_us_content_a_german_supplier_reads_no_us_rules(reference: Playbook) -> None:
    ev = evaluated_case(reference, GERMAN, export_us_origin="no")

    assert not {"us-reexport", "us-export-controls"} & set(ev.regime_codes)


ECFR_744 = "https://www.ecfr.gov/current/title-15/part-744"


def test_ear_technology_checks_no_licence_required_before_a_licence(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_SUPPLIER)
    text = action(ev, "us-export-controls", "authorisation")
    assert "No Licence Required (NLR)" in text and "Commerce Country Chart" in text and "EAR99" in text
    assert text.endswith("where the Chart shows an X, a BIS licence, unless a licence exception applies.")
    cited = obligations(ev, "us-export-controls")["authorisation"][0]
    for pinpoint in ("734.3(c)", "736.2(b)(1)", "part 738 Supplement No. 1"):
        assert pinpoint in cited, pinpoint


def test_the_provider_and_its_people_are_screened_before_any_release(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_SUPPLIER)
    citation, url, confidence = obligations(ev, "us-export-controls")["screen-parties"]
    assert "part 744, Supplement No. 4" in citation and "764.3" in citation
    assert (url, confidence) == (ECFR_744, "secondary")
    assert "Entity List and the Denied Persons List" in action(ev, "us-export-controls", "screen-parties")
    regime_ = regime(ev, "us-export-controls")
    phases = [phase for phase, _label, items in regime_.obligations for o in items if o["code"] == "screen-parties"]
    assert phases == ["before_signing"]
