"""Rules that matched with no fit points and do the same thing for the same reason are listed once, their names
joined (review 161: a US adviser's page printed the same 80-word reason twice in a row, from the rule on where the
firm is regulated and the one on where it is)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db


def test_two_rules_with_one_reason_are_one_entry(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    fired = {r.code: r for r in rec.record.evaluation.fired}
    regulated, located = fired["us-mnpi-regulated"], fired["us-mnpi-us-buyer"]
    assert regulated.rationale == located.rationale
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    other = re.sub(r"\s+", " ", page.split("Other rules your answers matched")[1].split("</details>")[0])
    assert other.count(re.sub(r"\s+", " ", regulated.rationale)) == 1
    assert f"{regulated.name}; {located.name}" in other
