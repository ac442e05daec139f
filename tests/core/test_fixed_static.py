"""``fixed_static`` writes what ``{% static %}`` writes, under any script prefix and after the settings change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _paths() -> list[str]:
    found = re.findall(r"\{% fixed_static '([^']+)' %\}", "".join(p.read_text() for p in TEMPLATES.rglob("*.html")))
    assert len(set(found)) >= 5
    return sorted(set(found))


def _both(path: str) -> tuple[str, str]:
    ours = Template(f"{{% load kpo %}}{{% fixed_static '{path}' %}}").render(Context())
    theirs = Template(f"{{% load static %}}{{% static '{path}' %}}").render(Context())
    return ours, theirs


@pytest.mark.parametrize("prefix", ["/", "/kpo/", "/a&b/"])
def test_fixed_static_is_static(prefix: str) -> None:
    set_script_prefix(prefix)
    try:
        for path in _paths():
            ours, theirs = _both(path)
            assert ours == theirs and ours.endswith(path)
    finally:
        clear_script_prefix()


def test_fixed_static_follows_a_change_of_settings() -> None:
    path = _paths()[0]
    assert _both(path)[0].startswith("/static/")
    with override_settings(STATIC_URL="https://cdn.example/s/"):
        ours, theirs = _both(path)
        assert ours == theirs == f"https://cdn.example/s/{path}"
    assert _both(path)[0].startswith("/static/")
