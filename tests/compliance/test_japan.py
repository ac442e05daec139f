"""A business in Japan that hands personal data to a provider reads Japan's APPI: it supervises the provider (Art. 25)
and, for a provider abroad outside the EEA and the UK, has the people's prior consent or the provider's equivalent
measures (Art. 28), cited to the Personal Information Protection Commission's own pages and marked weak. A buyer on
Japan's time zone in South Korea, or one who has not said which, is told its own law is not covered, as before."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import SourceHost
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
TOKYO = "Tokyo electronics maker"
PPC = "https://www.ppc.go.jp/en/legal/"
NOT_COVERED = "Your country's rules on handing personal data to a provider (Korea's PIPA)"


def _not_covered(ev: Any) -> bool:
    return any(r.title.startswith(NOT_COVERED) for r in ev.risks)


def test_a_business_in_japan_reads_the_appi_with_its_articles_and_the_ppc_as_source(reference: Playbook) -> None:
    ev = evaluated_case(reference, TOKYO)

    assert "jp-appi" in ev.regime_codes
    assert obligations(ev, "jp-appi") == {
        "supervise-provider": ("APPI Art. 25", PPC, "weak"),
        "foreign-provider-basis": ("APPI Art. 28(1)-(2)", PPC, "weak"),
        "continuing-measures": ("APPI Art. 28(3)", PPC, "weak"),
        "leak-report": ("APPI Art. 26(1)-(2)", PPC, "weak"),
    }
    regime = next(r for r in ev.regimes if r.code == "jp-appi")
    assert regime.confidence == "weak" and "Enforcement Rules" in regime.confidence_note
    assert "the EEA and the UK" in regime.summary
    (text,) = [c.text for c in ev.conditions if c.rule == "jp-appi-japan-business"]
    assert text.endswith("(APPI Arts. 25 and 28(1))")
    # The APPI is set out, so the buyer is no longer told its law is not covered.
    assert not _not_covered(ev)
    assert SourceHost.objects.get(host="ppc.go.jp").kind == "official"


@pytest.mark.parametrize(
    "data", [["phi"], ["eu-personal"], ["za-personal"]], ids=["health", "eu-people", "south-african-people"]
)
def test_any_personal_data_a_business_in_japan_hands_over_reads_it(reference: Playbook, data: list[str]) -> None:
    assert "jp-appi" in evaluated_case(reference, TOKYO, data_categories=data).regime_codes


def test_no_personal_data_reads_nothing_of_it(reference: Playbook) -> None:
    ev = evaluated_case(reference, TOKYO, data_categories=["none"])

    assert "jp-appi" not in ev.regime_codes and not _not_covered(ev)


@pytest.mark.parametrize("country", ["south-korea", None])
def test_a_buyer_in_korea_or_not_saying_is_told_its_own_law_is_not_covered(
    reference: Playbook, country: str | None
) -> None:
    # None: a recommendation stored before the question was asked reads as it did.
    ev = evaluated_case(reference, TOKYO, buyer_japan_korea_country=country)

    assert "jp-appi" not in ev.regime_codes
    assert _not_covered(ev)


def test_the_question_is_asked_only_of_a_buyer_on_japans_time_zone(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    assert "buyer_japan_korea_country" in visibility(compiled, {"buyer_location": "japan-korea"}).questions
    assert "buyer_japan_korea_country" not in visibility(compiled, {"buyer_location": "singapore"}).questions


@pytest.mark.parametrize("data", [["phi"], ["eu-personal"]], ids=["health", "eu-people"])
def test_a_buyer_in_korea_is_told_its_own_law_is_not_covered_for_any_personal_data(
    reference: Playbook, data: list[str]
) -> None:
    # Review 121: a Korean buyer handing over health data, or EU people's, read nothing of PIPA.
    ev = evaluated_case(reference, TOKYO, buyer_japan_korea_country="south-korea", data_categories=data)
    assert _not_covered(ev)


def test_the_country_follow_ups_read_apart(reference: Playbook) -> None:
    # Review 126: switching from Japan or South Korea to the UAE or Oman announced that "In which country are they?"
    # opened and closed, the two follow-ups sharing one prompt.
    questions = compiled_playbook(reference).questions
    prompts = [questions[c].prompt for c in ("buyer_japan_korea_country", "buyer_gulf_country", "buyer_apac_country")]
    assert len(set(prompts)) == 3
