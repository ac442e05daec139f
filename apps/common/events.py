"""What happened in an organisation, announced once for whoever needs to know.

The team features (section assignments, second opinions, sign-off, due diligence) send these signals
from their services; notifications (the inbox and mail), the activity timeline and webhooks listen.
The sender never needs to know who listens, so a new listener never touches a service.

Every signal is sent inside the transaction of the change it announces (``announce``), so what the listeners write
(the timeline line, webhook deliveries, notices) commits with the change or not at all, and a rolled-back change
announces nothing (reviews 108 and 112: announced after the commit, a database stopped in between lost them).
Listeners must be quick (insert a row, enqueue a task): mail and webhook deliveries happen in the background worker.

Every signal carries these keyword arguments:

- ``organisation``: the Organisation it happened in (listeners scope everything by it);
- ``actor``: the User who did it, or None when the system did (an overdue item);
- ``recipients``: the Users it concerns (may be empty: an activity with no one to notify);
- ``target``: the model instance it is about (an Assessment, Recommendation, ShortlistEntry, ...);
- ``url``: the path of the page where it can be seen (no host, no answers, no figures);
- ``summary``: one short sentence for people ("Dana assigned you the section 'Data and compliance'"),
  never containing answers or figures.

``answers_changed`` also carries ``answers``: how many answers the save changed, or None when it replaced a
colleague's (that line stands on its own in the timeline; the others from one person in a sitting are one);
and ``line_written``: True when the save's own statement wrote its timeline line already
(``questionnaire.extensions.Timeline``), so that the timeline's listener adds none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

section_assigned = Signal()
mentioned = Signal()
second_opinion_requested = Signal()
divergence_to_settle = Signal()
approval_requested = Signal()
decision_made = Signal()
diligence_assigned = Signal()
diligence_overdue = Signal()
comment_posted = Signal()
answers_changed = Signal()
# A recommendation was stored (submit, a saved what-if, a re-score); ``target`` is the Recommendation.
recommendation_stored = Signal()

# Something members were asked to do no longer is (a second opinion withdrawn, a section given to someone else, a
# draft deleted). Not an activity: no kind, no timeline line; its listener (discussion) marks read the notices that
# asked. Carries ``organisation``, ``kinds`` (the KINDS names of the notices, or None for every kind), ``urls`` and
# ``under`` (the notices' paths, exact or as a prefix) and ``recipient`` (a User or its id; None for everyone's).
withdrawn = Signal()

# The name each kind is stored and offered under (notification preferences, activity, webhooks).
KINDS: dict[Signal, str] = {
    section_assigned: "section_assigned",
    mentioned: "mentioned",
    second_opinion_requested: "second_opinion_requested",
    divergence_to_settle: "divergence_to_settle",
    approval_requested: "approval_requested",
    decision_made: "decision_made",
    diligence_assigned: "diligence_assigned",
    diligence_overdue: "diligence_overdue",
    comment_posted: "comment_posted",
    answers_changed: "answers_changed",
    recommendation_stored: "recommendation_stored",
}


def announce(signal: Signal, *, sender: type, **kwargs: Any) -> None:
    """Send ``signal`` now, inside the current transaction, so what the listeners write commits with the change or
    not at all: a listener that fails fails the change, and the page saying nothing was saved is then true (reviews
    108 and 112). Outside a transaction (the change already committed as it ran) it is sent robustly: a listener that
    fails is logged and never fails the request, whose page would otherwise offer to send it again."""
    _in_the_change(lambda: send(signal, sender=sender, **kwargs))


def _in_the_change(send_it: Callable[[], object]) -> None:
    """``send_it`` now, inside the current transaction; outside one, once what ran has committed, robustly."""
    if transaction.get_connection().in_atomic_block:
        send_it()
        return
    transaction.on_commit(send_it, robust=True)


def announce_withdrawn(
    *,
    sender: type,
    organisation: Any,
    kinds: list[Signal] | None,
    urls: tuple[str, ...] = (),
    under: tuple[str, ...] = (),
    recipient: Any = None,
) -> None:
    """Send ``withdrawn``: the notices of ``kinds`` linking to ``urls`` (or a page under ``under``) asked for
    something no longer asked (review 78: a withdrawn request stayed unread). Inside a transaction it is sent at
    once, in it, as the announcements are (``announce``, review 112): in the order the change makes
    them, so a request withdrawn and asked again of someone else in one change leaves the new request unread."""
    names = None if kinds is None else [KINDS[k] for k in kinds]

    _in_the_change(
        lambda: withdrawn.send(
            sender=sender, organisation=organisation, kinds=names, urls=urls, under=under, recipient=recipient
        )
    )


def send(signal: Signal, *, sender: type, **kwargs: Any) -> None:
    """Send ``signal`` now: for a caller that is already past its commit (an ``on_commit`` of its own)."""
    signal.send(sender=sender, kind=KINDS[signal], **kwargs)


SUMMARY_LENGTH = 300  # the summary column of a notification and of an activity line


def answers_changed_summary(who: str, count: int, title: str) -> str:
    """The sentence of an ``answers_changed`` event, and of a timeline line that gathers several of them;
    within ``SUMMARY_LENGTH``, the title shortened with "…" when need be (the sentence keeps its closing quote,
    so a later save in the same sitting can still be added to the line). ``discussion.sitting`` writes the same
    sentence in SQL, held to this one by ``tests/discussion/test_sitting.py``: change both together."""
    start = f"{who} changed {count} answer{'s' if count != 1 else ''} in “"
    room = SUMMARY_LENGTH - len(start) - 1
    if len(title) > room:
        title = title[: max(room - 1, 0)].rstrip() + "…"
    return f"{start}{title}”"[-SUMMARY_LENGTH:]


_ANSWERS_COUNT = re.compile(r" changed (\d+) answers? in “")


_REPLACING = re.compile(r", replacing \d+ given by a colleague")


def answers_changed_uncounted(summary: str) -> str:
    """An ``answers_changed_summary`` sentence without its counts ("changed answers in “…”"), for a member owing a
    second opinion on the draft: the counts include the answers hidden from them, so how many changed, and when,
    told of the first answers they may not see yet (review 80: 36 against 37 with one more hidden answer)."""
    if not _ANSWERS_COUNT.search(summary):
        return summary
    return _REPLACING.sub(
        ", replacing answers given by a colleague", _ANSWERS_COUNT.sub(" changed answers in “", summary)
    )


def answers_changed_count(summary: str) -> int | None:
    """How many answers an ``answers_changed_summary`` sentence counts (None for any other sentence)."""
    found = _ANSWERS_COUNT.search(summary)
    return int(found.group(1)) if found and summary.endswith("”") else None
