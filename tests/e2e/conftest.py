"""Browser tests: Playwright for Python drives Debian's Chromium against pytest-django's live server.

One Chromium and one live server per session, a fresh browser context (profile) per page a test
asks for, and the reference catalogue and playbook (version 1) copied in for every test (loaded once per
session, tests/conftest.py). Any console
error, uncaught exception or Content Security Policy violation fails the test (``browser.py``).

The tests run when ``KPO_CHROMIUM`` names a Chromium (``scripts/run-tests.sh`` sets it when one is
installed) and are skipped, loudly, when it is unset.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import ReferenceRows, restore_reference_rows
from tests.e2e.browser import AXE_JS, CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, WAIT_MS, Browsing, ConsoleLog, PageCheck
from tests.factories import PASSWORD

SKIP_REASON = (
    "KPO_CHROMIUM is unset, so the browser tests are SKIPPED. Install Chromium (apt-get install chromium) "
    "and run scripts/run-tests.sh, which finds it."
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if SKIP_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("#", f"WARNING: {len(skipped)} browser tests SKIPPED", red=True, bold=True)
        terminalreporter.write_line(SKIP_REASON, red=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    # As the contexts' own limit (browser.py): an assertion waits up to this long for the page to get there,
    # and passes as soon as it does. Playwright's 5 s default is too short for a busy CI runner.
    expect.set_options(timeout=WAIT_MS)

    # Playwright's sync API keeps an event loop in this thread, which trips Django's guard against
    # using the ORM from async code; the tests themselves are synchronous, so the guard is lifted.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def server(live_server: Any, transactional_db: None, reference_rows: ReferenceRows) -> str:
    """The live server's base URL, with the reference catalogue and playbook (version 1) loaded (copied in and
    committed, since the server's thread reads through its own connection; emptied after the test)."""
    restore_reference_rows(reference_rows)
    return str(live_server.url)


@pytest.fixture
def browsing(browser: Any, server: str) -> Iterator[Browsing]:
    session = Browsing(browser=browser, base_url=server, console=ConsoleLog())
    yield session
    session.close()
    assert not session.console.problems, "The browser reported problems:\n" + "\n".join(session.console.problems)


@pytest.fixture
def sign_in() -> Callable[[Any, str], None]:
    """Signs in through the login form, as a person would."""

    def _sign_in(page: Any, email: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/$"))

    return _sign_in


@pytest.fixture
def check() -> PageCheck:
    """Visits pages for the page walks (test_pages.py, test_team_pages.py)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` in the repository (package.json pins axe-core)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return PageCheck(problems=[])
