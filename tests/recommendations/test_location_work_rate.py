"""A location's "verify" note gives its cost index, which scales only the part of this function's rate that follows
where the team is: the note says what the rates come to for this work, as the cost prices them (review 176: Colombia's
note read "The cost index 1.5" where the trade-off and the cost priced 1.18)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.requirements import work_rate
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db
CASE = "AmLaw 200 firm: steady e-discovery review by a dedicated offshore team"


def test_the_rate_for_this_work_is_the_index_on_its_located_share() -> None:
    assert work_rate(1.5, 0.36) == 1.18
    assert work_rate("1.5", 0.36) == 1.18
    assert work_rate(1.5, None) is None and work_rate(1.5, 1.0) is None and work_rate(None, 0.36) is None


def test_the_verify_note_says_the_rates_for_this_work_on_the_page_and_the_memo(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, CASE)
    located = {loc.code: loc.work_rate for loc in rec.record.evaluation.locations}
    assert located["colombia"] == 1.18
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    for text in (page, render_memo_html(rec, "http://testserver/")):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))
        assert (
            "not specific to Colombia." in text
            and "so Colombia's rates come to about 1.18 times India's, as the cost prices them." in text
        )
