"""A password check Django does not ship: one character or a short pattern repeated, a few runs of consecutive or
repeated characters, a few distinct characters, a common password said twice, or the product's own name, each
guessed in a few tries whatever the length (NIST SP 800-63B, 5.1.1.2: refuse "repetitive or sequential characters
(e.g. 'aaaaaa', '1234abcd')" and "context-specific words, such as the name of the service"; reviews 177, 178 and
180 found ways round each earlier form). Every check is one pass over the password, and a password longer than
``LONGEST`` is refused first (review 180: a million characters had held the server for 34 s)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

# The longest password taken: far beyond the 64 characters NIST asks a site to allow, and short enough that no check
# or hash of it costs a request anything.
LONGEST = 1000
# The most stretches a password may be made of and still be refused: "abcd1234efgh" is three runs, "aaaaaaaaaab1"
# three; a ten-character random password has about ten.
FEWEST_STRETCHES = 3
# The fewest distinct characters a password must hold: "aaaaabbbbbcccccddddd" and "ab" × 3,000 + "c" hold four or
# fewer.
FEWEST_DISTINCT = 5
# The product's name, letters only, as a password built on it would hold it ("KPO-Advisor 2026").
SERVICE_NAME = "kpoadvisor"
# Digits and signs written for letters ("Kp0Adv1sor", "P@ssw0rd"), read as those letters where a word is looked for.
FOR_LETTERS = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "!": "i",
        "|": "i",
        "3": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "8": "b",
        "9": "g",
    }
)
# What people put around a common password to pass a check ("Qwerty123456!", "password2026"): digits and signs.
AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
# Letters of other scripts drawn like Latin ones, read as those (a Cyrillic "о" in "kpoadvisоr").
LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "с": "c", "е": "e", "н": "h", "і": "i", "ј": "j", "к": "k", "м": "m", "о": "o",
        "р": "p", "ѕ": "s", "т": "t", "х": "x", "у": "y", "α": "a", "ο": "o", "ρ": "p", "κ": "k", "ν": "v",
        "ι": "i",
    }
)  # fmt: skip


def stretches(text: str) -> int:
    """How many maximal stretches ``text`` splits into where each character repeats the one before, or follows it, or
    comes before it ("aaaa", "abcd", "4321"), one step throughout: a character starting no stretch with the next one
    is a stretch of its own."""
    count, i = 0, 0
    while i < len(text):
        count += 1
        if i + 1 < len(text) and (step := ord(text[i + 1]) - ord(text[i])) in (-1, 0, 1):
            i += 1
            while i + 1 < len(text) and ord(text[i + 1]) - ord(text[i]) == step:
                i += 1
        i += 1
    return count


def _period(text: str) -> int:
    """The shortest unit ``text`` repeats (the last time perhaps cut), from the prefix function in one pass: its
    length when the text says it twice or more, else the text's length."""
    n = len(text)
    if n < 2:
        return n
    border = [0] * n  # the longest proper prefix of text[: i + 1] that is also its suffix
    k = 0
    for i in range(1, n):
        while k and text[i] != text[k]:
            k = border[k - 1]
        if text[i] == text[k]:
            k += 1
        border[i] = k
    period = n - border[-1]
    # Twice or more, the second time perhaps short of a trailing separator ("password-password").
    return period if 2 * period <= n + 1 else n


@functools.cache
def _common() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


def _repeats_a_pattern(text: str) -> bool:
    """``text`` is a unit said twice or more whose unit is itself weak: a few stretches, or a common password once
    the separators around it are dropped ("password-password")."""
    period = _period(text)
    if period == len(text):
        return False
    unit = text[:period]
    return stretches(unit) <= FEWEST_STRETCHES or unit.strip(" -_.,;:!+*/") in _common()


class PatternValidator:
    """Refuses, once folded (compatibility forms, lookalike letters, lower case), a password longer than
    ``LONGEST``, of at most ``FEWEST_STRETCHES`` stretches or fewer than ``FEWEST_DISTINCT`` characters, a weak
    pattern repeated, or one holding the product's name."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > LONGEST:
            raise ValidationError(f"Use at most {LONGEST:,} characters.", code="password_too_long")
        folded = unicodedata.normalize("NFKC", password).lower().translate(LOOKALIKES)
        if stretches(folded) <= FEWEST_STRETCHES or len(set(folded)) < FEWEST_DISTINCT or _repeats_a_pattern(folded):
            raise ValidationError(
                "This password is a repeated pattern, a run such as “abcd” or “1234”, or too few different characters.",
                code="password_pattern",
            )
        if SERVICE_NAME in re.sub(r"[^a-z]", "", folded.translate(FOR_LETTERS)):
            raise ValidationError("This password holds the product's name.", code="password_service_name")
        # A common password with digits or signs around it, or with digits and signs for letters (review 181:
        # "Qwerty123456!" and "P@ssw0rd2026!" were accepted).
        core = AROUND.sub("", folded)
        # (A password common as it stands is Django's to refuse: said once.)
        if (
            len(core) >= 4
            and folded not in _common()
            and (core in _common() or core.translate(FOR_LETTERS) in _common())
        ):
            raise ValidationError(
                "This password is a common password with digits or signs added.", code="password_common_core"
            )

    def get_help_text(self) -> str:
        return "Your password can't be a repeated pattern, a run such as abcd or 1234, or hold the product's name."
