"""Settings read the environment and refuse unsafe production configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE"}}
    return subprocess.run(
        [sys.executable, "-c", "import kpo_advisor.settings as s; print(s.DEBUG, len(s.SECRET_KEY))"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_with_debug_off_fails_loudly() -> None:
    result = _load_settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off" in result.stderr


def test_short_secret_key_with_debug_off_is_refused() -> None:
    result = _load_settings({"DEBUG": "false", "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("k" * 64 + "\n")
    result = _load_settings({"DEBUG": "false", "SECRET_KEY_FILE": str(secret)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "64"]


def test_junk_boolean_fails_instead_of_guessing() -> None:
    result = _load_settings({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_development_defaults_work_without_any_environment() -> None:
    result = _load_settings({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"


@pytest.mark.parametrize("url", ["sqlite:///db.sqlite3", "mysql://x@y/z"])
def test_only_postgresql_urls_are_accepted(url: str) -> None:
    result = _load_settings({"DATABASE_URL": url})
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgres" in result.stderr
