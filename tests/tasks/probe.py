"""A task for the worker's own tests: it does nothing but take its time, and its row records how it went."""

from __future__ import annotations

import time

from django.tasks import task


@task()
def nap(*, seconds: float) -> str:
    """Long enough, given ``seconds``, for the database to go away while it runs."""
    time.sleep(seconds)
    return "rested"
