"""Personal data of US consumers beyond California: Virginia's, Colorado's, Connecticut's and Texas's consumer privacy
laws each require a processor contract with set terms (review 33 asked for them); a public body is outside them."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers, fired_codes
from tests.recommendations.test_review43_advice import US_COUNTY_LEGAL

pytestmark = pytest.mark.django_db
US_COMPANY = {**US_COUNTY_LEGAL, "buyer_sector": "other", "legal_us_lawyers": True}


def test_us_consumers_personal_data_brings_the_state_laws_processor_terms(reference: Playbook) -> None:
    ev = evaluated_answers(reference, US_COMPANY)
    assert "us-state-privacy-consumer-data" in fired_codes(ev)
    regime = next(r for r in ev.regimes if r.code == "us-state-privacy-processor")
    items = [item for _phase, _label, group in regime.obligations for item in group]
    citations = " ".join(str(item["citation"]) for item in items)
    for pinpoint in ("Va. Code § 59.1-579", "C.R.S. § 6-1-1305", "Conn. Gen. Stat. § 42-521", "§ 541.104"):
        assert pinpoint in citations
    assert items and all(str(item["source_url"]).startswith("https://") for item in items)
    assert any("If the data includes residents of Virginia" in c.text for c in ev.conditions)


@pytest.mark.parametrize(
    "changes",
    [{"buyer_sector": "public-body"}, {"data_categories": ["privileged-legal"]}, {"client_jurisdictions": ["uk"]}],
    ids=["public-body", "no-personal-data", "no-us-clients"],
)
def test_not_for_a_public_body_or_without_us_consumers_personal_data(
    reference: Playbook, changes: dict[str, object]
) -> None:
    ev = evaluated_answers(reference, US_COMPANY, **changes)
    assert "us-state-privacy-processor" not in {r.code for r in ev.regimes}
