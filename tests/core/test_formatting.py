from decimal import Decimal

import pytest

from apps.common import formatting
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


@pytest.mark.parametrize(("count", "text"), [(1, "1 year"), (1.0, "1 year"), (3, "3 years"), (1.5, "1.5 years")])
def test_a_horizon_is_written_in_years_with_the_right_plural(count: float, text: str) -> None:
    assert formatting.years(count) == text
