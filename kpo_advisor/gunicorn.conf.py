"""Gunicorn's settings for KPO Advisor: `gunicorn -c kpo_advisor/gunicorn.conf.py kpo_advisor.wsgi`.

Every value comes from the environment with a production default (docs/operations.md). The load
test, the bench and the database-fault test serve through this file too (loadtest/appserver.py).

Gunicorn has no request-body limit: the reverse proxy's (nginx ``client_max_body_size``) comes
first and the app's own (RequestBodyLimitMiddleware, 413 before anything parses a body) second.
Here the request line and headers are bounded, so a client cannot make a worker buffer megabytes
of headers either.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 3)
threads = _int("GUNICORN_THREADS", 4)
# A request that takes longer than this is stuck: the worker is restarted.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 10)
# Longer than the proxy's idle timeout, so the proxy, not gunicorn, closes an idle connection and
# never reuses one just as gunicorn drops it.
keepalive = _int("GUNICORN_KEEPALIVE", 75)

# The request line (method, path, query): the longest URL the product makes is far below this.
limit_request_line = 4094
# Header count and the size of one header line: browsers send about 20, and the session, CSRF and
# load balancer cookies fit comfortably in 8 KiB.
limit_request_fields = 50
limit_request_field_size = 8190

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for standard output
errorlog = "-"
