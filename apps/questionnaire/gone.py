"""A draft deleted while someone still had one of its pages open: every page of it says so (410), naming who deleted
it and when, and lists what was sent, where a 404 had said the page could not be found and lost it (reviews 87 and
90): the draft's own pages, its second-opinion and settle forms, its question comments (and editing or deleting one),
and deleting it again."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.scoping import HtmxMemberRequest, MemberRequest
from apps.common.hostile import (
    NOT_TYPED,
    NOT_TYPED_ENDINGS,
    cut_text,
    holds_secret,
    secrets_left_out,
    without_unseen,
)
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire.models import DeletedDraft
from apps.teamwork.models import Stakeholder

# Fields a page of a draft sends that are not answers, and how the list of what was sent names them; a settle's
# choice in the words its buttons say (review 92: the 410 page listed the reason, not the choice).
SENT_LABELS = {"body": "Your comment", "reason": "Your reason", "choice": "Your choice"}
SENT_VALUES = {"choice": {"first": "Keep the answer given", "second": "Take the second opinion"}}


class DraftDeleted(Exception):
    def __init__(self, deleted: DeletedDraft) -> None:
        super().__init__(deleted.title)
        self.deleted = deleted


def deleted_draft(request: HttpRequest, pk: object) -> DeletedDraft | None:
    """The record of the member's organisation's draft ``pk`` deleted, or None (never deleted, or another's)."""
    organisation = getattr(request, "organisation", None)  # a member's page, or an API key's
    if not isinstance(pk, int) or organisation is None:
        return None
    return DeletedDraft.objects.filter(organisation=organisation, assessment_id=pk).select_related("deleted_by").first()


def answers_gone[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """A view of a draft (its ``pk``) answering 410 when the draft was deleted: raised as ``DraftDeleted``, or as the
    404 a lookup of the draft gives once it is gone. An htmx save of one answer gets its status line."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = cast(HtmxMemberRequest, args[0])
        try:
            return view(*args, **kwargs)
        except DraftDeleted as exc:
            return _gone(request, exc.deleted, str(kwargs.get("question", "")))
        except Http404:
            deleted = deleted_draft(request, kwargs.get("pk"))
            if deleted is None:
                raise
            return _gone(request, deleted, str(kwargs.get("question", "")))

    return wrapped


BIGINT_END = 2**63


def comment_gone[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """A view of a comment (its ``pk``) answering 410 when the comment went with its deleted draft, as the draft's own
    pages do (review 92: editing or deleting it from a page still open was a 404)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = cast(HtmxMemberRequest, args[0])
        try:
            return view(*args, **kwargs)
        except Http404:
            pk, organisation = kwargs.get("pk"), getattr(request, "organisation", None)
            # An id no bigint holds names no comment, and an array of it would not reach the database (review 103: 500).
            if not isinstance(pk, int) or not 0 < pk < BIGINT_END or organisation is None:
                raise
            deleted = (
                DeletedDraft.objects.filter(organisation=organisation, comment_ids__contains=[pk])
                .select_related("deleted_by")
                .first()
            )
            if deleted is None:
                raise
            return _gone(request, deleted, "")

    return wrapped


def deleted_words(deleted: DeletedDraft) -> str:
    """Who deleted the draft and when, as the pages and the API say it."""
    who = deleted.deleted_by.email if deleted.deleted_by else "someone"
    when = timezone.localtime(deleted.deleted_at).strftime("%-d %b %Y, %H:%M %Z")
    return f"The draft “{deleted.title}” was deleted by {who} on {when}"


def _gone(request: HtmxMemberRequest, deleted: DeletedDraft, code: str) -> HttpResponse:
    said = deleted_words(deleted)
    if (
        getattr(request, "htmx", False)
        and code
        and request.resolver_match
        and request.resolver_match.namespace == ("questionnaire")
    ):
        message = f"{said}, so this was not saved: copy what you typed before you leave the page."
        status = {"status_code": code, "status": "error", "message": message}
        return render(request, "questionnaire/step.html#status", status, status=410)
    sent = sent_to_deleted(request, deleted) if request.method == "POST" else []
    page = {"deleted": deleted, "said": said, "sent": sent}
    return render(request, "questionnaire/deleted.html", page, status=410)


def sent_to_deleted(request: MemberRequest, deleted: DeletedDraft) -> list[tuple[str, str]]:
    """What was sent to a deleted draft, as (question or field, value) in words where the playbook still reads them,
    with the listing's limits: secrets counted, never listed, 30 fields and each cut at 20,000 characters (review 137:
    this page had its own listing, with none of them)."""
    compiled = compiled_playbook(deleted.playbook) if deleted.playbook is not None else None
    if compiled is None:
        return typed_fields(request)
    return typed_fields(request, compiled.questions, {s.code: s.title for s in compiled.sections})


def _role_words() -> dict[str, str]:
    """The contributors page's role choices in words: "role-legal" as "Whoever is legal"."""
    return {f"role-{value}": f"Whoever is {label.lower()}" for value, label in Stakeholder.choices}


def _members_by_choice(organisation_id: int) -> dict[str, str]:
    """The contributors page's choices in words: "member-<id>" and "<id>" as the member's email, "role-<code>" as
    "Whoever is legal"."""
    out = _role_words()
    for pk, email in Membership.objects.filter(organisation_id=organisation_id).values_list("pk", "user__email"):
        out[f"member-{pk}"] = out[str(pk)] = email
    return out


# A provider's row on the shortlist and a due-diligence item are sent with their id in each field's name.
PREFIXED = re.compile(r"(entry|item)-\d+-(\w+)")
FIELD_LABELS = {
    "status": "Status",
    "notes": "Notes",
    "rejection_reason": "Reason for rejecting",
    "evidence": "Evidence",
    "owner": "Owner",
    "due_date": "Due date",
    "outcome": "Decision",
}


def _field_words(name: str, titles: Mapping[str, str], people: Callable[[], Mapping[str, str]]) -> Any:
    """A field of the forms outside the questionnaire as its page names it, and its values' words (review 134: "Entry
    10 status long_list", "Section volume role-legal", "Outcome approved"); None for any other field."""
    from apps.signoff.models import Decision
    from apps.vendors.models import DiligenceItem, ShortlistEntry

    if found := PREFIXED.fullmatch(name):
        kind, field = found.groups()
        statuses = ShortlistEntry.Status if kind == "entry" else DiligenceItem.Status
        label = FIELD_LABELS.get(field) or field.replace("_", " ").capitalize()
        return (f"{'Provider' if kind == 'entry' else 'Checklist item'}: {label.lower()}", dict(statuses.choices))
    if name == "outcome":
        return (FIELD_LABELS["outcome"], dict(Decision.Outcome.choices))
    kind, _, section = name.partition("-")
    if kind in ("section", "opinion") and section in titles:
        what = "Who answers" if kind == "section" else "Second opinion on"
        return (f"{what} “{titles[section]}”", people())
    return None


def typed_fields(
    request: HttpRequest, questions: Mapping[str, Any] | None = None, titles: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """What a form sent held, as (field, value) for each field with something in it, the page's own machinery left
    out: listed on a page saying it was not saved, so nothing typed is lost. An answer to one of ``questions`` (a
    compiled playbook's) is named by its prompt, a choice by its label; a step's contributors by the step's title
    (``titles``, by section code) and the member or role chosen."""
    questions = questions or {}
    titles = titles or {}
    if request.method != "POST":
        return []
    chosen: dict[str, str] = {}

    def people() -> Mapping[str, str]:
        if not chosen:
            organisation = getattr(request, "organisation", None)
            if organisation is not None:
                chosen.update(_members_by_choice(organisation.pk))
            else:
                chosen.update(_role_words())
        return chosen

    try:
        items = list(request.POST.lists())
    except Exception:  # a body that does not parse: nothing to list
        return []
    out: list[tuple[str, str]] = []
    more = secret = 0
    for name, values in items:
        if name in NOT_TYPED or name.endswith(NOT_TYPED_ENDINGS) or name.startswith("was-"):
            continue  # a form's own machinery (what a page drew: review 129 read "Was roles 2 finance,legal")
        kept = [v for v in values if isinstance(v, str) and v.strip()]
        if kept and holds_secret(name, kept):
            secret += 1  # a password, key or token: never on a page (review 134)
        elif kept and len(out) == MOST_LISTED:
            more += 1  # counted, and said, as the control-character refusal does (review 132: 1,900 listed)
        elif kept and name in questions:
            labels = {o.code: o.label for o in questions[name].options}
            out.append((questions[name].prompt, cut_text("; ".join(labels.get(v, v) for v in kept))))
        elif kept and (known := _field_words(name, titles, people)) is not None:
            label, words = known
            out.append((label[:80], cut_text("; ".join(str(words.get(v, v)) for v in kept))))
        elif kept:
            # Its name cleaned as typed text is (review 134: a direction override in a name reversed the label).
            label = (
                SENT_LABELS.get(name) or without_unseen(name).replace("_", " ").replace("-", " ").strip().capitalize()
            )
            words = SENT_VALUES.get(name, {})
            out.append((label[:80], cut_text("; ".join(words.get(v, v) for v in kept))))
    if more:
        out.append(("…", f"{more} more field{'' if more == 1 else 's'} with text, not listed here"))
    if secret:
        out.append(secrets_left_out(secret))
    return out


MOST_LISTED = 30  # the fields a page saying a form was not saved lists, the rest counted
# The fields of this product's forms outside the questionnaire's answers, as their pages label them.
FORM_LABELS = {**SENT_LABELS, "title": "Title", "notes": "Notes", "evidence": "Evidence"}


def field_in_words(name: str, values: list[str]) -> tuple[str, str] | None:
    """A field of this product's forms in words, for a refusal that knows no form (``hostile.FIELD_NAMERS``: the
    control-character 400): an answer by the current playbook's prompt and its choices' labels, a step's contributors
    by its title, and the other forms' fields as their pages label them; None for any other field."""
    from django.db import DatabaseError

    from apps.playbooks.models import Playbook

    try:
        current = Playbook.objects.current()
    except DatabaseError:  # a refusal says what it can without the database
        current = None
    compiled = compiled_playbook(current) if current is not None else None
    questions = compiled.questions if compiled is not None else {}
    if name in questions:
        labels = {o.code: o.label for o in questions[name].options}
        return questions[name].prompt, "; ".join(labels.get(v, v) for v in values)
    titles = {s.code: s.title for s in compiled.sections} if compiled is not None else {}
    roles = _role_words()
    if (known := _field_words(name, titles, lambda: roles)) is not None:
        label, words = known
        # A member chosen is named by id here: this refusal reads no organisation (review 143: "member-12" as sent).
        return label, "; ".join(str(words.get(v) or _member_choice(v)) for v in values)
    if name in FORM_LABELS:
        words = SENT_VALUES.get(name, {})
        return FORM_LABELS[name], "\n".join(words.get(v, v) for v in values)
    return None


MEMBER_CHOICE = re.compile(r"member-(\d{1,18})")


def _member_choice(value: str) -> str:
    """A contributors page's choice of a member ("member-12") in words, where no organisation is read: "a member
    (their id 12)"; any other value as sent."""
    found = MEMBER_CHOICE.fullmatch(value)
    return f"a member (their id {found.group(1)})" if found else value


def typed_fields_named(request: HttpRequest) -> list[tuple[str, str]]:
    """``typed_fields`` with an answer named by the current playbook's prompt and a choice by its label, for a page
    that does not know which assessment the form was for (review 128: "Volume pattern / steady")."""
    from apps.playbooks.models import Playbook

    current = Playbook.objects.current()
    if current is None:
        return typed_fields(request)
    compiled = compiled_playbook(current)
    return typed_fields(request, compiled.questions, {s.code: s.title for s in compiled.sections})
