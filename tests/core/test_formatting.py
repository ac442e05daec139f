from decimal import Decimal

import pytest

from apps.common.templatetags.kpo import usd


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
