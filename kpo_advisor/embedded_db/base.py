"""Django's PostgreSQL backend, pointed at the embedded server, which it starts on demand.

Only the connection parameters differ from the stock backend: the host is the server's unix
socket, and the application database is created on first use.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import psycopg

from kpo_advisor.embedded import ensure_server
from kpo_advisor.postgres import base


class DatabaseWrapper(base.DatabaseWrapper):
    _created_databases: set[str] = set()

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        server = ensure_server(Path(self.settings_dict["EMBEDDED_DATA_DIR"]))
        params["host"] = server.socket_dir
        params["port"] = server.port
        params["user"] = server.user
        dbname = params.get("dbname")
        if dbname and dbname != "postgres" and not dbname.startswith("test_"):
            self._ensure_database(server.socket_dir, server.port, server.user, dbname)
        return params

    @classmethod
    def _ensure_database(cls, host: str, port: int, user: str, dbname: str) -> None:
        key = f"{host}:{port}/{dbname}"
        if key in cls._created_databases:
            return
        with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
            if not exists:
                # Another process may create it at the same moment: that is fine.
                with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                    conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(dbname)))
        cls._created_databases.add(key)
