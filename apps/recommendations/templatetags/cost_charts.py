"""The cost section's per-model charts, drawn where the section is included (result page, memo), so every
page that shows a model's cost shows the same tornado without its view having to build it."""

from __future__ import annotations

from django import template

from apps.recommendations.charts import Chart, tornado_chart
from apps.recommendations.snapshot.types import CostModel

register = template.Library()


@register.filter
def tornado(model: CostModel, currency: str) -> Chart | None:
    """``{% with chart=m|tornado:ev.cost.currency %}``: the model's cost tornado, None without one."""
    return tornado_chart(model, currency or "USD")
