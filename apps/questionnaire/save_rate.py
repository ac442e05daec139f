"""How fast one member may save answers (autosave, or a whole step sent without JavaScript): a token bucket per
member in each app process, full at ``ANSWER_SAVES_PER_MINUTE`` and refilled at that rate, so a person typing never
meets it while one script cannot keep a worker busy saving for everyone else (review 49: 500 autosaves in 17 s).

In memory, not in the database: an autosave is the product's most frequent request and is measured against a bare
view (docs/performance.md), and a count in PostgreSQL would be one more round trip on every one. Each app process
keeps its own buckets, so with N processes behind a balancer a member may reach N times the rate: a bound on a flood,
not a quota. Buckets idle for a minute are full again and are forgotten first when the table reaches its size.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

from django.conf import settings

MEMBERS_KEPT = 10_000  # buckets a process keeps; the least recently used goes first
_lock = threading.Lock()
_buckets: OrderedDict[int, tuple[float, float]] = OrderedDict()  # member -> (tokens, at)


def take(member_id: int) -> int:
    """Take one save for ``member_id``: 0 when allowed, else the whole seconds until one is."""
    per_minute = settings.ANSWER_SAVES_PER_MINUTE
    if per_minute <= 0:
        return 0
    rate = per_minute / 60.0
    now = time.monotonic()
    with _lock:
        tokens, at = _buckets.pop(member_id, (float(per_minute), now))
        tokens = min(float(per_minute), tokens + (now - at) * rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        _buckets[member_id] = (tokens, now)
        while len(_buckets) > MEMBERS_KEPT:
            _buckets.popitem(last=False)
    return 0 if allowed else max(1, math.ceil((1.0 - tokens) / rate))


def forget() -> None:
    """Every bucket full again (tests)."""
    with _lock:
        _buckets.clear()
