"""htmx is loaded on its own, with the page's nonce, in development as in production.

django-htmx's template tag adds a debug helper under DEBUG that replaces the whole page with any
400 response; the product answers bad input with a 400 whose fragment belongs beside the field, so a
buyer running `make run` would lose the page on a typo."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_pages_load_htmx_with_a_nonce_and_never_the_debug_helper(client: Client, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert "django-htmx.js" not in body
    script = re.search(r'<script src="([^"]+htmx-2\.min\.js)" defer nonce="([^"]+)"></script>', body)
    assert script, "htmx is not loaded"
    assert f"'nonce-{script.group(2)}'" in response["Content-Security-Policy"]
