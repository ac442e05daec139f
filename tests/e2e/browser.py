"""The browser side of the e2e tests: contexts that watch the console, and axe-core.

Every page a test opens records its console errors, uncaught exceptions and Content Security Policy
violations; the ``browsing`` fixture fails the test at teardown if any are left that the test did not
expect by name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from apps.accounts.models import User

CHROMIUM = os.environ.get("KPO_CHROMIUM", "")
# Debian's Chromium, headless; never a downloaded browser (see the README).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
# Screenshots are for a person to look at. Under CI nobody looks, and on a busy machine a full-page capture
# of a long page at 375 px has taken over Playwright's 30 s, failing a test whose checks had all passed; so
# they are taken under CI only when KPO_SCREENSHOTS=1 asks (and KPO_SCREENSHOTS=0 turns them off anywhere).
SCREENSHOTS_WANTED = os.environ.get("KPO_SCREENSHOTS", "0" if os.environ.get("CI") else "1") == "1"
NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}
# A limit on waiting, not a measure of speed: a busy machine (a CI runner shared with other jobs) can take
# well over ten seconds to draw a PDF or finish a navigation.
WAIT_MS = 60_000

# Chromium reports a CSP violation on the console and, while JavaScript runs, as a
# securitypolicyviolation event; this init script (run by Playwright, exempt from the page's policy)
# turns the event into a console error too, so neither way of reporting can be missed.
REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('Content Security Policy violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});
"""

FINISH_ANIMATIONS = """async () => {
  const finite = document.getAnimations()
    .filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity);
  await Promise.all(finite.map((a) => a.finished.catch(() => null)));
}"""


@dataclass
class ConsoleLog:
    """Console errors, page errors and CSP violations seen by every page of one test."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Tolerate problems matching ``pattern`` (for a test that provokes exactly that on purpose)."""
        self.allowed.append(re.compile(pattern))

    def record(self, text: str) -> None:
        if not any(p.search(text) for p in self.allowed):
            self.problems.append(text)

    def watch(self, page: Any) -> None:
        def on_console(message: Any) -> None:
            if message.type == "error" or "Content Security Policy" in message.text:
                source = message.location.get("url") or page.url
                self.record(f"console {message.type} on {page.url} from {source}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.record(f"page error on {page.url}: {error}"))


@dataclass
class Browsing:
    """Opens browser contexts for one test: signed in or out, with or without JavaScript, at a width."""

    browser: Any
    base_url: str
    console: ConsoleLog
    contexts: list[Any] = field(default_factory=list)

    def new_page(self, user: User | None = None, *, js: bool = True, viewport: dict[str, int] = WIDE) -> Any:
        """A page in a new context (a fresh browser profile); signed in as ``user`` if given."""
        context = self.browser.new_context(
            base_url=self.base_url, java_script_enabled=js, viewport=viewport, accept_downloads=True
        )
        context.set_default_timeout(WAIT_MS)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("page", self.console.watch)
        self.contexts.append(context)
        if user is not None:
            cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_for(user), "url": self.base_url}
            context.add_cookies([cookie])
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def session_for(user: User) -> str:
    """A signed-in session, so tests that are not about signing in skip the login form."""
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def screenshot(page: Any, name: str, *, full_page: bool = True, **options: Any) -> None:
    """The page as it looks now, saved as artifacts/screenshots/<name> when screenshots are wanted."""
    if not SCREENSHOTS_WANTED:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A long page drawn whole can take a while on a loaded machine; the picture is not what the test checks.
    page.screenshot(path=SCREENSHOTS / name, full_page=full_page, timeout=120_000, **options)


def run_axe(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one line per rule and element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's Content Security Policy stays enforced
        # (Playwright's add_script_tag would insert an inline script, which the policy rightly blocks).
        page.evaluate(AXE_JS.read_text())
    # A colour still mid-transition (a stylesheet applied after first paint) would be measured as a
    # blend of two colours; let finite animations and transitions end first.
    page.evaluate(FINISH_ANIMATIONS)
    violations = page.evaluate(
        """async (tags) => (
             await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
           ).violations.map(
             (v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary)})
           )""",
        AXE_TAGS,
    )
    return [f"{v['id']} ({v['help']}) at {node}" for v in violations for node in v["nodes"]]


@dataclass
class PageCheck:
    """Visits pages and notes every accessibility violation and sideways scroll, to report them all at once."""

    problems: list[str]
    documents: dict[str, str] = field(default_factory=dict)  # the HTML the server sent, by page name

    def visit(self, page: Any, name: str, path: str, status: int = 200) -> None:
        page.set_viewport_size(WIDE)
        response = page.goto(path)
        assert response is not None and response.status == status, (
            f"{name}: {path} answered {response and response.status}"
        )
        self.documents[name] = response.text()
        title = page.title()
        if not re.fullmatch(r"\S.* · KPO Advisor", title):
            self.problems.append(f"{name} ({path}) has no page title of its own: {title!r}")
        for viewport in (WIDE, NARROW):
            page.set_viewport_size(viewport)
            for violation in run_axe(page):
                self.problems.append(f"{name} ({path}) at {viewport['width']}px: {violation}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                self.problems.append(f"{name} ({path}) scrolls sideways at {viewport['width']}px: {width}px wide")
            # JPEG: a third quicker to take than PNG for a full page, and a fraction of the size.
            screenshot(page, f"{name}-{viewport['width']}.jpg", type="jpeg", quality=80)
