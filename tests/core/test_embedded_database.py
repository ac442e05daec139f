"""The embedded PostgreSQL server starts on demand, safely under several processes at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import psycopg
    from kpo_advisor.embedded import ensure_server
    server = ensure_server(Path(sys.argv[1]))
    with psycopg.connect(host=server.socket_dir, port=server.port, user=server.user, dbname="postgres") as conn:
        value = conn.execute("SELECT 40 + 2").fetchone()[0]
    time.sleep(float(sys.argv[2]))
    print(value, server.socket_dir)
    """
)


@pytest.mark.slow
def test_concurrent_processes_share_one_fresh_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "pg"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, str(data_dir), "4"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    report = "\n".join(
        f"--- process {i}: rc={p.returncode}\n{out}\n{err[-3000:]}"
        for i, (p, (out, err)) in enumerate(zip(procs, results, strict=True))
    )
    assert [p.returncode for p in procs] == [0, 0, 0, 0], report
    answers = {out.split()[0] for out, _ in results}
    sockets = {out.split()[1] for out, _ in results}
    assert answers == {"42"}, report
    assert len(sockets) == 1, "all processes must talk to the same server\n" + report
    # The last process to leave stops the server: no postmaster is left running.
    pid_file = data_dir / "postmaster.pid"
    assert not pid_file.exists(), report + "\n" + (data_dir / "log").read_text()[-3000:]


def test_unusable_data_dir_gives_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = "from pathlib import Path; from kpo_advisor.embedded import ensure_server; ensure_server(Path(%r))"
    result = subprocess.run(
        [sys.executable, "-c", code % str(blocker / "pg")], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "Could not start the embedded PostgreSQL server" in result.stderr
    assert "DATABASE_URL" in result.stderr


def test_an_unreadable_list_of_server_users_is_emptied_so_the_server_can_start(tmp_path: Path) -> None:
    """A process killed while the wheel rewrote its list leaves the file empty: starting would then fail on it."""
    import threading

    from kpo_advisor.embedded import HANDLES, repair_handle_list

    lock = threading.Lock()
    path = tmp_path / HANDLES
    assert repair_handle_list(tmp_path, lock) is False and not path.exists()  # no list yet: nothing to do
    for broken in ("", "[12, 3", "{}", "null"):
        path.write_text(broken)
        assert repair_handle_list(tmp_path, lock) is True
        assert path.read_text() == "[]"
    # The processes still running stay listed; one that has exited (killed, never taking itself off) is dropped, so
    # the last live one to leave stops the server (a Ctrl-C of make run had left it running after an earlier kill).
    import os
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    path.write_text(f"[{os.getpid()}, {os.getppid()}]")
    assert repair_handle_list(tmp_path, lock) is False
    assert path.read_text() == f"[{os.getpid()}, {os.getppid()}]"
    path.write_text(f"[{os.getpid()}, {gone.pid}]")
    assert repair_handle_list(tmp_path, lock) is True
    assert path.read_text() == f"[{os.getpid()}]"
    assert not lock.locked()


@pytest.mark.slow
def test_a_server_whose_list_of_users_was_left_empty_still_starts(tmp_path: Path) -> None:
    data_dir = tmp_path / "pg"

    def probe() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", PROBE, str(data_dir), "0"], cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    first = probe()  # creates the server's data, then stops it on leaving
    assert first.returncode == 0, first.stderr[-3000:]
    (data_dir / ".handle_pids.json").write_text("")  # as a process killed mid-rewrite leaves it
    again = probe()
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.split()[0] == "42"
