"""How a chart's SVG positions are written (``recommendations/parts/bar_chart.html``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

HUNDREDTH = Decimal("0.01")
# Between these a number (or zero) is plain: rounding its shortest repr (at most 17 significant digits) to
# hundredths fits the decimal module's default 28 digits, as floatformat's own precision does, and it is far from
# the 200 digits and exponent past which floatformat writes a number back as it came (5e-324).
PLAIN = 1e9
TINY = 1e-100


@register.filter
def svg_percent(value: Any) -> SafeString | str:
    """``value|floatformat:"2u"`` (two decimals, rounded half up, not localised, no grouping), written without
    floatformat's general path for a plain number: a result page writes a few hundred chart positions, and that
    path (precision, digits, locale look-ups) was a quarter of its cost section. Anything but an int or float between
    1e-100 and a billion in size (or zero) goes to floatformat itself."""
    if type(value) not in (float, int) or not (value == 0 or TINY <= abs(value) < PLAIN):
        return floatformat(value, "2u")
    rounded = Decimal(str(value)).quantize(HUNDREDTH, ROUND_HALF_UP)
    text = f"{rounded:f}" if rounded else "0.00"  # floatformat drops the sign of a zero (-0.001 is 0.00)
    return mark_safe(text.replace(".", settings.DECIMAL_SEPARATOR))
