"""Queueing what would flip a recommendation runs after the submit's commit; when the database goes away just then,
the loss (which costs nothing: the first view works it out) is one warning line, as every request that loses the
database logs, not a traceback at ERROR (review 160)."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError

from apps.recommendations import tasks


class _Recommendation:
    pk = 7
    organisation_id = 3


def test_a_lost_database_is_one_warning_line(monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    def down(**_: Any) -> None:
        raise OperationalError("connection failed: FATAL:  the database system is shutting down")

    monkeypatch.setattr(tasks, "work_out_flips", SimpleNamespace(enqueue=down))
    monkeypatch.setattr(tasks, "without_waiting_for_disk", _nothing)
    with caplog.at_level(logging.WARNING, logger="apps.recommendations.tasks"):
        assert tasks.request_flips(recommendation=_Recommendation()) is None  # type: ignore[arg-type]
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "What would flip recommendation 7 is not queued (database unavailable" in record.getMessage()


def test_any_other_database_error_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_: Any) -> None:
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(tasks, "work_out_flips", SimpleNamespace(enqueue=broken))
    monkeypatch.setattr(tasks, "without_waiting_for_disk", _nothing)
    with pytest.raises(IntegrityError):
        tasks.request_flips(recommendation=_Recommendation())  # type: ignore[arg-type]


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None
