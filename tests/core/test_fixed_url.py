"""``fixed_url`` writes what ``{% url %}`` writes, under any script prefix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, set_script_prefix

BASE = Path(__file__).resolve().parents[2] / "templates" / "base.html"


@pytest.mark.parametrize("prefix", ["/", "/kpo/", "/a&b/"])
def test_fixed_url_is_url(prefix: str) -> None:
    names = re.findall(r"\{% fixed_url '([^']+)' %\}", BASE.read_text())
    assert len(names) > 10
    set_script_prefix(prefix)
    try:
        for name in names:
            ours = Template(f"{{% load kpo %}}{{% fixed_url '{name}' %}}").render(Context())
            theirs = Template(f"{{% url '{name}' %}}").render(Context())
            assert ours == theirs and ours.startswith(prefix.replace("&", "&amp;"))
    finally:
        clear_script_prefix()
