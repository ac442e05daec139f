"""A US law firm sending clients' patent prior-art searches abroad reads the US rules on sending unpublished inventions
abroad (export controls on their technology, the USPTO's foreign filing licence: 35 U.S.C. 184 and 185, 37 CFR 5.11,
15 CFR 734.10) and the USPTO's conduct rules for the practitioner who sends the work (37 CFR 11.104, 11.106,
11.503), each duty with its citation and source; a landscape run on public information reads neither."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
LAW_FIRM = "US law firm: patent prior-art searches on clients' inventions"
LANDSCAPE = "Biotech: one-off patent landscape before a licensing deal"
FILING = "us-patent-foreign-filing"
PRACTITIONER = "uspto-practitioner-rules"
CONDITION = "Before unpublished invention details (a disclosure, an unpublished application) go to the team abroad"
USC184 = "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title35-section184&num=0&edition=prelim"


def test_a_law_firm_reads_the_foreign_filing_and_export_rules_with_their_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, LAW_FIRM)
    assert (ev.verdict, ev.top_model, ev.delivered_from) == ("wins", "project", "india")
    assert {FILING, PRACTITIONER, "aba-08-451"} <= set(ev.regime_codes)
    # Nothing marked export-controlled: the US export control regime itself is not shown, only the check.
    assert "us-export-controls" not in ev.regime_codes
    filing = next(r for r in ev.regimes if r.code == FILING)
    assert filing.confidence == "secondary" and "published patent application" in filing.summary
    # A company's own inventions read it too, so its reason does not speak of clients' alone.
    assert filing.because == ("Patent work abroad on unpublished inventions, your own or your clients'",)
    assert obligations(ev, FILING) == {
        "published-art-only-or-classified": (
            "15 CFR 734.7(a), 734.10(a) and 734.13(a)(1); 37 CFR 5.11(b), (c); 73 FR 42781 (2008)",
            "https://www.ecfr.gov/current/title-15/section-734.10",
            "secondary",
        ),
        "foreign-filing-licence": ("35 U.S.C. 184(a) and 185; 37 CFR 5.11(a), 5.12(a)", USC184, "secondary"),
        "secrecy-orders": (
            "35 U.S.C. 182; 37 CFR 5.11(d)",
            "https://www.uspto.gov/web/offices/pac/mpep/s140.html",
            "secondary",
        ),
    }
    assert {s["url"] for s in filing.sources} >= {USC184, "https://www.ecfr.gov/current/title-37/section-5.11"}
    found = [c.text for c in ev.conditions if c.text.startswith(CONDITION)]
    assert len(found) == 1 and found[0].endswith("work on published art alone needs neither")


def test_the_practitioner_reads_the_usptos_confidentiality_and_supervision_rules(reference: Playbook) -> None:
    ev = evaluated_case(reference, LAW_FIRM)
    assert obligations(ev, PRACTITIONER) == {
        "practitioner-client-consent": (
            "37 CFR 11.106(a); 11.104(a)(1)",
            "https://www.ecfr.gov/current/title-37/section-11.106",
            "secondary",
        ),
        "practitioner-supervises-searchers": (
            "37 CFR 11.503",
            "https://www.ecfr.gov/current/title-37/section-11.503",
            "secondary",
        ),
    }


def test_patent_work_sent_by_no_us_lawyer_reads_no_practitioner_rules(reference: Playbook) -> None:
    ev = evaluated_case(reference, LAW_FIRM, legal_us_lawyers=False)
    assert PRACTITIONER not in ev.regime_codes and FILING in ev.regime_codes


@pytest.mark.parametrize(
    "changes",
    [
        # Highly sensitive patent work reads them whatever data was ticked (review 99): medium sensitivity here.
        {
            "data_categories": ["none"],
            "legal_us_lawyers": None,
            "legal_client_consent": None,
            "ip_sensitivity": "medium",
        },
        {"client_jurisdictions": ["eu"]},
        {"function": "legal-review"},
    ],
)
def test_no_unpublished_us_invention_no_foreign_filing_rules(reference: Playbook, changes: dict[str, object]) -> None:
    ev = evaluated_case(reference, LAW_FIRM, **changes)
    assert FILING not in ev.regime_codes
    assert not any(c.text.startswith(CONDITION) for c in ev.conditions)


def test_a_landscape_on_public_information_reads_neither(reference: Playbook) -> None:
    ev = evaluated_case(reference, LANDSCAPE)
    assert {FILING, PRACTITIONER}.isdisjoint(ev.regime_codes)


@pytest.mark.parametrize("function", ["patent-research", "engineering-design"])
def test_an_invention_that_may_be_filed_in_europe_reads_the_us_foreign_filing_rules(
    reference: Playbook, function: str
) -> None:
    """Saying an invention the team abroad would see may be filed as a European patent says unpublished invention
    details go abroad: the US rules on that follow from the answer, whatever data categories were ticked (review 84:
    only a data category other than "none" brought them, and never for engineering design)."""
    changes = {"function": function, "ip_sensitivity": "high", "data_categories": ["none"]}
    changes.update(legal_us_lawyers=None, legal_client_consent=None)
    ev = evaluated_case(reference, LAW_FIRM, **changes, patent_filing_europe="yes")
    assert FILING in ev.regime_codes and "epc-novelty" in ev.regime_codes
    assert [c.text for c in ev.conditions if c.text.startswith(CONDITION)]
    for answer in ("no", "unsure"):
        other = evaluated_case(reference, LAW_FIRM, **changes, patent_filing_europe=answer)
        # A patentability or freedom-to-operate search starts from the invention: sent abroad, whatever is to be
        # filed in Europe (review 99); engineering design not filed in Europe shows none, as answered.
        assert (FILING in other.regime_codes) == (function == "patent-research"), answer
