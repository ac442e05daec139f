"""With DEBUG on (`make run`), static files come from whitenoise (WHITENOISE_USE_FINDERS, autorefresh), not from
Django's runserver handler, whose finders raised SuspiciousFileOperation (a 500) for /static/..%2fmanage.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import get_commands, load_command_class
from django.test import RequestFactory


def _runserver_handler() -> Any:
    """The WSGI handler `manage.py runserver` serves, built as the command builds it (default options)."""
    command = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(command.create_parser("manage.py", "runserver").parse_args([]))
    return command.get_handler(**options)


def _get(handler: Any, path_info: str) -> tuple[int, bytes]:
    """What the development server answers for a path (PATH_INFO as it decodes it: %2f and %2e become / and .)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path_info, REQUEST_METHOD="GET")
    statuses: list[str] = []
    response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    body = b"".join(response)
    getattr(response, "close", lambda: None)()
    return int(statuses[0].split()[0]), body


@pytest.mark.django_db
def test_the_development_server_answers_a_path_out_of_static_with_404_and_serves_static_files(
    settings: Any,
) -> None:
    settings.DEBUG = True
    handler = _runserver_handler()
    for path in ("/static/../manage.py", "/static/../../../etc/passwd", "/static/css/../../manage.py"):
        status, body = _get(handler, path)
        assert status == 404, (path, status)
        assert b"DJANGO_SETTINGS_MODULE" not in body
    status, body = _get(handler, "/static/css/app.css")
    assert status == 200 and b"{" in body
    assert not isinstance(handler, StaticFilesHandler)
