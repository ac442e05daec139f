"""A password check Django does not ship: one character or a short pattern repeated, or a run of consecutive
characters, guessed in a few tries whatever its length (NIST SP 800-63B, 5.1.1.2: refuse "repetitive or sequential
characters (e.g. 'aaaaaa', '1234abcd')"; review 177: "aaaaaaaaaaaa" was accepted)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

# The longest pattern whose repeats are refused: "abab…", "1234 1234 …" but not a word said twice.
LONGEST_UNIT = 4


def _repeated(password: str) -> bool:
    """The password is one unit of up to ``LONGEST_UNIT`` characters over and over (its last repeat may be cut)."""
    return any(
        password == (password[:size] * (len(password) // size + 1))[: len(password)]
        for size in range(1, LONGEST_UNIT + 1)
    )


def _running(password: str) -> bool:
    """Every character one after the previous, or one before it ("abcdefghij", "9876543210")."""
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    return steps in ({1}, {-1})


class PatternValidator:
    """Refuses a password that is a repeated pattern or a run, once lower-cased ("AbAbAbAbAb" too)."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = password.lower()
        if len(folded) > 1 and (_repeated(folded) or _running(folded)):
            raise ValidationError(
                "This password is one character or a short pattern repeated, or a run such as “abcdefghij”.",
                code="password_pattern",
            )

    def get_help_text(self) -> str:
        return "Your password can't be one character or a short pattern repeated, or a run of characters."
