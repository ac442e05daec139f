"""What the measurement harnesses share (``tests/*/measure_*.py``: measurements, not tests, which their names
keep out of the suite)."""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Iterable
from typing import Any


def as_served(monkeypatch: Any) -> None:
    """Templates render as served: without the test client's instrumentation, which copies every context."""
    from django.template.base import PartialTemplate, Template
    from django.test.utils import _TestState

    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
    monkeypatch.setattr(PartialTemplate, "_render", _TestState.saved_data.partial_template_render)


def time_calls(
    monkeypatch: Any,
    watched: Iterable[str],
    record: Callable[[str, float], None],
    clock: Callable[[], float] = time.perf_counter,
) -> None:
    """Wrap each ``module:attribute.path`` in ``watched`` where callers look it up, so that every call records
    its name and the ms it took by ``clock`` (wall time by default)."""
    for dotted in watched:
        module_name, _, attr_path = dotted.partition(":")
        owner: Any = importlib.import_module(module_name)
        *parents, attr = attr_path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, attr)

        def timed(*args: Any, _original: Any = original, _name: str = dotted, **kwargs: Any) -> Any:
            start = clock()
            try:
                return _original(*args, **kwargs)
            finally:
                record(_name, (clock() - start) * 1000)

        monkeypatch.setattr(owner, attr, functools.wraps(original)(timed))
