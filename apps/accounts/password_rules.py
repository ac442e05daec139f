"""A password check Django does not ship: one character or a short pattern repeated, a run of consecutive
characters, or the product's own name, guessed in a few tries whatever the length (NIST SP 800-63B, 5.1.1.2: refuse
"repetitive or sequential characters (e.g. 'aaaaaa', '1234abcd')" and "context-specific words, such as the name of
the service"; review 177: "aaaaaaaaaaaa" was accepted; review 178: "aaaaaaaaaaab", "123456abcdef", "1234abcd1234abcd"
and "kpoadvisor2026" were)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

# The most stretches a password may be made of and still be refused: "aaaaaaaaaaab" is two (a repeat, then "b"),
# "123456abcdef" two runs; "1234abcd1234abcd" is a two-stretch unit repeated.
FEWEST_STRETCHES = 2
# The product's name, letters only, as a password built on it would hold it ("KPO-Advisor 2026").
SERVICE_NAME = "kpoadvisor"


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


def _repeats_a_pattern(text: str) -> bool:
    """``text`` is a unit of at most ``FEWEST_STRETCHES`` stretches said twice or more (the last time perhaps cut):
    its shortest such unit is its shortest period, read from the prefix function in one pass (a unit tried at every
    length had taken quadratic time on a long password). A longer unit repeating it holds more stretches."""
    n = len(text)
    if n < 2:
        return False
    border = [0] * n  # the longest proper prefix of text[: i + 1] that is also its suffix
    k = 0
    for i in range(1, n):
        while k and text[i] != text[k]:
            k = border[k - 1]
        if text[i] == text[k]:
            k += 1
        border[i] = k
    period = n - border[-1]
    return 2 * period <= n and stretches(text[:period]) <= FEWEST_STRETCHES


class PatternValidator:
    """Refuses, once lower-cased, a password of at most ``FEWEST_STRETCHES`` stretches, a repeated pattern of them, or
    one holding the product's name."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = password.lower()
        if stretches(folded) <= FEWEST_STRETCHES or _repeats_a_pattern(folded):
            raise ValidationError(
                "This password is one character or a short pattern repeated, or a run such as “abcd” or “1234”.",
                code="password_pattern",
            )
        if SERVICE_NAME in re.sub(r"[^a-z]", "", folded):
            raise ValidationError("This password holds the product's name.", code="password_service_name")

    def get_help_text(self) -> str:
        return "Your password can't be a repeated pattern, a run such as abcd or 1234, or hold the product's name."
