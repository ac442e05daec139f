"""A regime whose curator could not read its official text line by line says so wherever a buyer reads it: each
obligation carries "Weak source: verify", and the regime's note says what to check (review 54: MAS Notice 658,
Singapore's PDPA transfer rules and Australia's APP 8 read as plain citations). APP 8 treats a provider overseas as
a disclosure, with a use the narrow exception, not the other way round."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.common.sources import research_notes
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.conftest import recommend
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db


def test_app_8_reads_a_provider_overseas_as_a_disclosure_unless_counsel_confirms_a_use(reference: Playbook) -> None:
    ev = evaluated_case(reference, "Sydney lender: credit-risk models on customer loan data")
    regime = next(r for r in ev.regimes if r.code == "au-privacy-app8")
    assert (
        regime.confidence == "weak" and "to be checked line by line against the current text" in regime.confidence_note
    )
    items = {o["code"]: o for _p, _l, group in regime.obligations for o in group}
    first = items["use-or-disclosure"]
    assert first["action"].startswith("Giving personal information to a provider overseas is ordinarily a disclosure")
    assert "APP 8 does not apply" not in first["action"]
    assert {c for _cite, _url, c in obligations(ev, "au-privacy-app8").values()} == {"weak"}


def test_the_result_page_marks_each_unread_obligation_and_says_why(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "MAS-supervised Singapore bank")
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    notice = page.index("MAS Notice 658, Annex D (exempted outsourced relevant services)</a>")
    assert page[notice:].split("</li>", 1)[0].count("Weak source: verify") == 1
    assert 'href="https://www.mas.gov.sg/regulation/notices/notice-658"' in page
    assert "(a secondary account), without the Notice's paragraph numbers: confirm each" in page


@pytest.mark.parametrize(
    "note",
    [
        "The wages were not checked against the BLS release, so verify them.",
        "Not checked against the release: verify before relying on it.",
        "The citations point to eCFR, but they have NOT BEEN CHECKED line by line against the current text.",
        "The article texts are as given in consolidated copies, not checked line by line on EUR-Lex.",
        "The rule numbers were not checked on the Rulebook's own pages.",
        "Paragraph 16 is cited as a write-up quotes it, not confirmed on APRA's site.",
        "Para. 6.3 is not\nconfirmed  against the SRA's current pages.",
    ],
)
def test_a_note_that_a_text_was_not_checked_is_a_research_note(note: str) -> None:
    assert research_notes(note) != []


@pytest.mark.parametrize(
    "note",
    [
        "To be verified against the release before relying on it.",
        "Verify the wages against the BLS release before relying on the figure.",
        "The citations point to eCFR, but they are to be checked line by line against the current text.",
        "Paragraph 16 is cited as a write-up quotes it, to be confirmed on APRA's site; the date is unconfirmed.",
        "A UK public body sharing patients' health information, NHS data not confirmed",
    ],
)
def test_saying_what_to_check_a_weak_text_against_is_not_a_research_note(note: str) -> None:
    assert research_notes(note) == []
