"""Mentions in a comment: ``@`` then a member's email address, full name or first name.

Only members of the comment's organisation can be mentioned; a mention of anyone else (an address
outside it, a name nobody there has) is refused with a message, never silently dropped, so the
writer knows who will be told.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from apps.accounts.models import User

# An @ at the start or after a space or an opening bracket (so "dana@acme.test" in prose is no mention).
_AT = re.compile(r"(?:^|(?<=[\s(\[]))@")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_WORD = re.compile(r"[\w][\w.'-]*", re.UNICODE)


@dataclass(frozen=True)
class Mentions:
    users: tuple[User, ...]
    unknown: tuple[str, ...]  # what followed an @ and named no member


def _names(user: User) -> list[str]:
    names = [user.email.lower()]
    full = user.get_full_name().strip().lower()
    if full:
        names.append(full)
    if user.first_name.strip():
        names.append(user.first_name.strip().lower())
    return names


def find_mentions(text: str, members: Iterable[User]) -> Mentions:
    """Who ``text`` mentions among ``members``, and the mentions that name none of them.

    The longest name that fits wins ("@Dana Smith" over "@Dana"); an email is matched whole."""
    candidates = sorted(((name, user) for user in members for name in _names(user)), key=lambda p: -len(p[0]))
    found: dict[int, User] = {}
    unknown: list[str] = []
    lowered = text.lower()
    for match in _AT.finditer(text):
        start = match.end()
        email = _EMAIL.match(text, start)
        if email:
            user = next((u for n, u in candidates if n == email.group().lower()), None)
            if user is None:
                unknown.append(email.group())
            else:
                found[user.pk] = user
            continue
        user = next(
            (u for n, u in candidates if lowered.startswith(n, start) and not _continues(lowered, start + len(n))),
            None,
        )
        if user is not None:
            found[user.pk] = user
            continue
        word = _WORD.match(text, start)
        if word:
            unknown.append(word.group())
    return Mentions(users=tuple(found.values()), unknown=tuple(dict.fromkeys(unknown)))


def _continues(text: str, end: int) -> bool:
    # "@Dan" must not match inside "@Dana": a name ends where a word ends.
    return end < len(text) and (text[end].isalnum() or text[end] == "_")
