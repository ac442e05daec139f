"""A publication refused for its golden cases says so in one line first, counts them, names a few in the product's
words and leaves the rest to the golden cases page (review 154: 62 red lines, each naming the draft, in raw codes, none
saying it was not published)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.playbooks.models import Playbook, Rule
from apps.playbooks.services import start_draft

pytestmark = pytest.mark.django_db


def _messages(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(r'<li class="error">(.*?)</li>', page)]


def _publish(client: Client, draft: Playbook) -> str:
    url = reverse("admin:playbooks_playbook_changelist")
    return client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True).content.decode()


def test_a_refusal_for_many_golden_cases_leads_with_one_line_and_names_the_first_five(
    reference: Playbook, curator_client: Client
) -> None:
    draft = start_draft(playbook=reference)
    # No fit points and both thresholds at 100: every case expecting a win, on conditions or not, fails on its verdict.
    Playbook.objects.filter(pk=draft.pk).update(wins_threshold=100, conditional_threshold=100)
    Rule.objects.filter(playbook=draft, effects__kind="fit").update(enabled=False)
    total = draft.golden_cases.count()
    page = _publish(curator_client, draft)
    lines = _messages(page)
    lead = re.fullmatch(rf"Not published: {re.escape(str(draft))}: (\d+) of {total} golden cases fail\. .*", lines[0])
    assert lead is not None, lines[0]
    failing = int(lead.group(1))
    assert failing > 5
    golden = reverse("admin:playbooks_playbook_golden", args=[draft.pk])
    assert page.count(f'href="{golden}"') == 2  # in the lead and in the last line
    assert len(lines) == 1 + 5 + 1
    assert all(line.startswith("Golden case “") and str(draft) not in line for line in lines[1:6])
    assert lines[6] == f"…and {failing - 5} more on the golden cases page."
    assert "doesnt_win" not in page and "verdict is “KPO doesn't win”, expected “KPO wins" in "\n".join(lines)
    draft.refresh_from_db()
    assert draft.is_draft and draft.version is None


def test_a_refusal_for_one_golden_case_names_it_without_a_remainder(
    reference: Playbook, curator_client: Client
) -> None:
    draft = start_draft(playbook=reference)
    Rule.objects.filter(playbook=draft, code="no-licensed-signatory-blocks").update(enabled=False)
    lines = _messages(_publish(curator_client, draft))
    total = draft.golden_cases.count()
    assert lines[0] == (f"Not published: {draft}: 1 of {total} golden cases fails. See them on the golden cases page.")
    assert len(lines) == 2 and lines[1].startswith("Golden case “Nobody onshore licensed")
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_refusal_for_another_reason_still_says_it_was_not_published(
    reference: Playbook, curator_client: Client
) -> None:
    lines = _messages(_publish(curator_client, reference))  # published already
    assert lines == [f"Not published: {reference}: Only drafts can be published; this one is published."]
