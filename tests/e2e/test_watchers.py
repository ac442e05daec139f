"""The watchers can fail: a CSP violation is caught, and axe-core finds a planted violation."""

from __future__ import annotations

from tests.e2e.browser import Browsing, run_axe


def test_a_content_security_policy_violation_is_caught(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto("/")
    # An inline <style> element is exactly what the policy forbids (style-src 'self').
    page.evaluate(
        "() => { const s = document.createElement('style'); s.textContent = 'body {}'; document.head.append(s); }"
    )
    # Chromium reports it twice: its own console message, and the securitypolicyviolation event.
    caught = browsing.console.problems
    for _ in range(80):
        if any("violates the following" in p for p in caught) and any("policy violation:" in p for p in caught):
            break
        page.wait_for_timeout(25)  # lets Playwright deliver the console events
    assert any("violates the following Content Security Policy directive" in p for p in caught), caught
    assert any("Content Security Policy violation: style-src-elem" in p for p in caught), caught
    caught.clear()


def test_axe_reports_a_planted_violation(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto("/")
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")  # no alt text
    assert any(v.startswith("image-alt") for v in run_axe(page))
