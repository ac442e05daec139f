"""The CCPA binds only a business it covers (Civ. Code 1798.140(d)(1)): a small buyer handing a provider Californians'
personal information is told the thresholds with the service-provider terms, never the terms as a duty alone."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
THRESHOLDS = (
    "If your business is covered by the CCPA (Civ. Code 1798.140(d)(1): run for profit, and with over $25 million "
    "in annual gross revenue, adjusted for inflation, or buying, selling or sharing the personal information of "
    "100,000 or more consumers or households a year, or half or more of its revenue from selling or sharing it; a "
    "HIPAA covered entity is outside it for patient information it keeps as PHI, 1798.146(a)(1)(B)): sign CCPA "
    "service-provider terms"
)


@pytest.mark.parametrize("categories", [["california-personal"], ["california-personal", "glba-financial"]])
def test_the_service_provider_terms_are_asked_of_a_covered_business(reference: Playbook, categories: list[str]) -> None:
    ev = evaluated_case(reference, "US hedge fund", data_categories=categories)
    said = [c.text for c in ev.conditions if "CCPA service-provider terms" in c.text]
    assert said and all(text.startswith(THRESHOLDS) for text in said)
    ccpa = [r for r in ev.regimes if r.code == "ccpa"]
    assert ccpa
