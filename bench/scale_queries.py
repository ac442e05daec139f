"""History, filters and portfolio measured at scale, server-side (runs inside Django, in-process).

Each page is requested through Django's test client (the whole middleware stack, sessions, the view
and its template; no network), signed in as a member of the largest scale organisation, then of a
typical one. Every query the page makes on the recommendations table is then run again under
``EXPLAIN (ANALYZE, BUFFERS)`` and the plan kept, with the indexes it used and any sequential scan.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from bench.stats import summary

REPEATS = 40
WARM = 3
DEEP_PAGE = 5_000
PAGE_SIZE = 25


def _client(email: str) -> Any:
    from django.test import Client

    from apps.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    return client


def _explain(sql: str) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(r[0] for r in cur.fetchall())
    return {
        "sql": sql,
        "plan": plan,
        "indexes": sorted(set(re.findall(r"(?:Scan(?: Backward)? using|Bitmap Index Scan on) (\S+)", plan))),
        "seq_scan_on_recommendations": "Seq Scan on recommendations_recommendation" in plan,
        "execution_ms": float(m.group(1)) if (m := re.search(r"Execution Time: ([\d.]+) ms", plan)) else None,
    }


def measure_page(client: Any, url: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    on_recs = [q["sql"] for q in queries.captured_queries if "recommendations_recommendation" in q["sql"]]
    return {
        "url": url,
        "queries": len(queries.captured_queries),
        **summary(samples),
        "plans": [_explain(s) for s in on_recs],
    }


def cases(org_size: int) -> list[tuple[str, str]]:
    from apps.recommendations.models import Recommendation

    common = Recommendation.objects.filter(organisation__slug="scale-0000")
    model = common.values_list("top_model", flat=True).first() or ""
    regime = next((r for rs in common.values_list("regimes", flat=True)[:50] for r in rs), "gdpr")
    pages = max(1, -(-org_size // PAGE_SIZE))
    deep = min(DEEP_PAGE, pages)
    return [
        ("history, first page", "/recommendations/"),
        (f"history, page {deep:,} of {pages:,}", f"/recommendations/?page={deep}"),
        ("history, verdict filter", "/recommendations/?verdict=conditional"),
        ("history, model filter", f"/recommendations/?model={model}"),
        ("history, regime filter", f"/recommendations/?regime={regime}"),
        ("history, date range (one quarter)", "/recommendations/?since=2025-04-01&until=2025-06-30"),
        ("history, all four filters",
         f"/recommendations/?verdict=wins&model={model}&regime={regime}&since=2024-01-01&until=2026-12-31"),
        ("portfolio", "/recommendations/portfolio/"),
    ]  # fmt: skip


def main(*_: str) -> None:
    from bench.scale import sizes, target

    counts = sizes(target())
    out: dict[str, Any] = {"largest": counts[0], "typical": counts[1], "repeats": REPEATS, "pages": {}}
    largest = _client("member0000@scale.bench")
    for name, url in cases(counts[0]):
        out["pages"][f"largest organisation: {name}"] = measure_page(largest, url)
    typical = _client("member0001@scale.bench")
    for name, url in cases(counts[1])[:2] + cases(counts[1])[-1:]:
        out["pages"][f"typical organisation: {name}"] = measure_page(typical, url)
    print(json.dumps(out))
