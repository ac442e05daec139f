"""Form widgets with the markup Django's own give, rendered from one template each.

Django's select includes a template per option (and one per option for its attributes): a filter of 25
regimes costs a millisecond and more on every history page. This one writes the options out in its own
template, giving the same elements, attributes and escaping.
"""

from __future__ import annotations

from django import forms


class Select(forms.Select):
    template_name = "common/widgets/select.html"
