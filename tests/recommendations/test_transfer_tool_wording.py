"""The transfer tool named beside a cheaper location is the one the buyer's data law gives: the EU's standard
contractual clauses and a transfer impact assessment for EU data, the UK's IDTA or Addendum and a transfer risk
assessment for UK data, both only when both laws apply."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.cost_caveat import cheaper_location_text
from tests.recommendations.test_requirements_rank_locations import submit

pytestmark = pytest.mark.django_db
DUTCH_BANK = "KYC refresh: a Dutch bank's customer due diligence reviews"
UK_CENTRE = "UK manufacturer: a 300-person finance operations centre it plans to own"
EU_TOOL = "the EU standard contractual clauses, with a transfer impact assessment"
UK_TOOL = "the UK IDTA or Addendum, with a transfer risk assessment"


def sentence(reference: Playbook, organisation: Organisation, buyer: User, case: str, **changes: Any) -> str:
    ev = submit(reference, organisation, buyer, case, **changes).record.evaluation
    assert ev.cost.cheaper_location is not None and ev.cost.cheaper_location.needs_transfer_tool
    return cheaper_location_text(ev)


def test_an_eu_buyer_reads_only_the_eu_transfer_tools(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    text = sentence(reference, organisation, buyer, DUTCH_BANK)
    assert f"It would need a transfer tool for the personal data ({EU_TOOL})." in text
    assert "IDTA" not in text and "UK" not in text


def test_a_uk_buyer_with_uk_data_only_reads_only_the_uk_transfer_tools(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    text = sentence(
        reference, organisation, buyer, UK_CENTRE, data_categories=["uk-personal"], client_jurisdictions=["uk"]
    )
    assert f"It would need a transfer tool for the personal data ({UK_TOOL})." in text
    assert "EU" not in text and "standard contractual clauses" not in text


def test_a_buyer_with_eu_and_uk_data_reads_both_each_for_its_data(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    text = sentence(reference, organisation, buyer, UK_CENTRE)
    assert f"({EU_TOOL}, for the EU data; {UK_TOOL}, for the UK data)." in text
