from decimal import Decimal

import pytest

from apps.common.templatetags.kpo import chance, usd


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (60000, "$60,000"),
        (Decimal("45.50"), "$45.50"),
        (742.5, "$742"),
        (-431257.5, "−$431,258"),
        (None, "—"),
    ],
)
def test_usd(value: object, text: str) -> None:
    assert usd(value) == text


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.873, "87%"),
        (0.5, "50%"),
        (0.994, "99%"),
        (0.996, "over 99%"),
        (1.0, "over 99%"),
        (0.006, "1%"),
        (0.004, "under 1%"),
        (0.0, "under 1%"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_a_simulated_chance_is_never_written_as_a_certainty(share: object, text: str) -> None:
    assert chance(share) == text
