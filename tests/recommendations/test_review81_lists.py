"""What the cost says against a verdict goes wherever the verdict is listed (review 81: "KPO wins" stood alone in the
history, the portfolio and the export for work the result page said "does not pay")."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.cost_caveat import cost_caveat
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.test_review79_advice import UK_RESEARCH

pytestmark = pytest.mark.django_db


def test_the_cost_note_is_listed_beside_the_verdict_in_the_history_the_portfolio_and_the_export(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Dearer", playbook=reference, answers=UK_RESEARCH
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    caveat = cost_caveat(rec.record.evaluation)
    assert caveat is not None and caveat.warning
    note = rec.cost_note  # the headline's first parts, with how much dearer when it says it does not pay
    assert note.startswith("; ".join(caveat.headline.split("; ")[:2])) and "more than in-house" in note
    history = html.unescape(buyer_client.get(reverse("recommendations:history")).content.decode())
    assert f'<span class="small history-note">{note}</span>' in history
    portfolio = html.unescape(buyer_client.get(reverse("recommendations:portfolio")).content.decode())
    assert f"; {note})" in portfolio
    rows = list(csv.DictReader(io.StringIO(buyer_client.get(reverse("recommendations:history_csv")).content.decode())))
    assert rows[0]["verdict_note"] == note
    # And the assessments list (review 91: "KPO wins fit 100" there, the note elsewhere).
    listing = html.unescape(buyer_client.get(reverse("questionnaire:list")).content.decode())
    assert f'<span class="small history-note">{note}</span>' in listing and f"({note})" in listing
    # A cost that does not argue against the verdict leaves it blank.
    plain = reference.golden_cases.get(name__startswith="Textbook KPO: steady market analytics").answers
    b = AssessmentFactory(organisation=organisation, created_by=buyer, title="Plain", playbook=reference, answers=plain)
    assert submit_and_recommend(assessment=b, user=buyer).cost_note == ""


def test_a_note_that_says_it_does_not_pay_keeps_how_much_dearer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Review 83: the lists read "on fit only; it does not pay", where the page said "likely to cost 94% more".
    from apps.recommendations import cost_caveat as caveats
    from apps.recommendations.cost_caveat import CostCaveat

    headline = "on fit only; it does not pay; likely to cost 94% more than in-house; under 1% chance of a saving"
    monkeypatch.setattr(caveats, "cost_caveat", lambda ev: CostCaveat(warning=True, text="", headline=headline))
    assert caveats.cost_note(None) == "on fit only; it does not pay; likely to cost 94% more than in-house"
    dearer = "on fit; likely to cost 12% more than in-house; a saving unlikely"
    monkeypatch.setattr(caveats, "cost_caveat", lambda ev: CostCaveat(warning=True, text="", headline=dearer))
    assert caveats.cost_note(None) == "on fit; likely to cost 12% more than in-house"
