"""The special-category regimes list what Art. 10 asks of criminal-offence data as a duty for work that handles it, not
as one every buyer of special-category data owes (review 167: an NHS trust's coding, health data only, read "Name the
Schedule 1 condition for criminal-offence data")."""

from __future__ import annotations

import pytest

from apps.compliance.models import Obligation
from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


def test_the_article_10_duties_say_when_they_apply(reference: Playbook) -> None:
    titles = dict(
        Obligation.objects.filter(
            regime__code__in=["gdpr-special-data", "uk-gdpr-special-data"],
            code__in=["art10-authority", "criminal-condition"],
        ).values_list("code", "title")
    )
    assert set(titles) == {"art10-authority", "criminal-condition"}
    for title in titles.values():
        assert title.startswith("If the work handles criminal-offence data: "), title
