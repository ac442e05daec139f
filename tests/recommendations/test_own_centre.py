"""A buyer that sets up its own offshore centre, with no provider (the expert's situation #11): the own captive
centre (GCC) leads, is costed with no provider fees, and the page says beside the verdict that this is offshoring,
not outsourcing. The same buyer who lets a provider build the centre still gets build-operate-transfer."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.recommendations.conftest import recommend
from tests.recommendations.test_short_work import _lines, _text

pytestmark = pytest.mark.django_db
GCC = "US company with an entity in India: its own FP&A centre of 60"
OFFSHORING = "Setting up your own centre is offshoring, not outsourcing"
PROVIDER_LINES = ("Provider fees", "Set-up fee", "Transfer fee", "Contracting and due diligence")


def _evaluate(reference: Playbook, **changes: object) -> object:
    compiled = compiled_playbook(reference)
    raw = {**reference.golden_cases.get(name__startswith=GCC).answers, **changes}
    answers, problems = clean_answers(compiled.questions, raw)
    assert not problems
    return evaluate(compiled, answers)


def test_the_own_centre_leads_is_costed_without_a_provider_and_the_page_says_it_is_offshoring(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, GCC)
    ev = rec.record.evaluation
    assert ev.top is not None and ev.top.code == "own-centre" and ev.top.owned_by_buyer
    own = next(m for m in ev.cost.models if m.model == "own-centre")
    lines = _lines(own)
    assert not set(PROVIDER_LINES) & set(lines)
    entity = next(f for f in ev.cost.figures if f.key == "own.entity_cost")
    assert entity.likely == 0 and entity.supplied  # it already has an entity in India
    page = _text(buyer_client, rec.pk)
    assert "Best fit: Own captive centre (GCC)" in page and OFFSHORING in page


def test_without_an_entity_the_centre_counts_one_and_costs_more(reference: Playbook) -> None:
    def cost(**changes: object) -> float:
        ev = _evaluate(reference, **changes)
        return next(m for m in ev.cost.models if m.model == "own-centre").horizon[1]  # type: ignore[attr-defined]

    assert cost(own_entity=False) > cost()


def test_a_provider_building_the_centre_is_still_build_operate_transfer(reference: Playbook) -> None:
    for setup in ("provider-builds", None):
        ev = _evaluate(reference, centre_setup=setup, own_entity=None)
        assert ev.models[0].code == "bot", setup  # type: ignore[attr-defined]
