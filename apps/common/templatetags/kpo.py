"""Formatting figures the way the product shows them: US dollars, ranges, hours."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.common import formatting

register = template.Library()


@register.filter
def usd(value: Any) -> str:
    """$1,234 and −$1,234: whole dollars, except cents on small amounts that have them (rates)."""
    return formatting.usd(value)


@register.filter
def money(value: Any, currency: str = "USD") -> str:
    """An amount in the cost's currency (``{{ x|money:cost.currency }}``): £1,234, €1,234, $1,234."""
    return formatting.money(value, currency or "USD")


@register.filter
def amount(value: Any, cost: Any) -> str:
    """An amount of a stored cost as it is shown (``{{ x|amount:ev.cost }}``): in the cost's currency, to its
    significant figures (``Cost.amount``)."""
    return cost.amount(value)


@register.filter
def percent(value: Any) -> str:
    """A share 0..1 as a whole per cent: 0.873 is 87%; "—" when unknown."""
    if value is None or value == "":
        return formatting.MISSING
    return f"{float(value) * 100:.0f}%"


@register.filter
def chance(value: Any) -> str:
    """A simulated chance 0..1 as people can trust it: 87%, "over 99%", "under 1%"; "—" when unknown."""
    return formatting.chance(None if value == "" else value)


@register.simple_tag
def money_range(obj: Any, prefix: str, suffix: str = "") -> str:
    """'$30–$60 (likely $45)' from obj.<prefix>_low/_likely/_high, or '—' when unknown."""
    low, likely, high = (getattr(obj, f"{prefix}_{part}", None) for part in ("low", "likely", "high"))
    return formatting.usd_range(low, likely, high, suffix=suffix)


@register.filter
def number(value: Any) -> str:
    """A number as people write it: 0.2, 1,500, 2,000,000; "—" when unknown."""
    if value is None or value == "":
        return formatting.MISSING
    return formatting.number(value)


@register.filter
def hours(value: Any) -> str:
    return formatting.hours(value)


SECTION_PLACEHOLDER = "__section__"


@register.filter
def fill_section(url: str, code: str) -> str:
    """A step URL reversed once with the placeholder section, filled in per section (``reverse`` is the
    slow part of a page that links to every step). Section codes are slugs, safe in a path."""
    return url.replace(SECTION_PLACEHOLDER, str(code))


# Reversed URLs of routes without arguments, by (name, URLconf, script prefix): the same for every request.
_FIXED_URLS: dict[tuple[str, Any, str], str] = {}


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` for a route that takes no arguments, reversed once per process (per URLconf and
    script prefix) instead of on every page: the base page's header links to a dozen such routes, and
    ``reverse`` was the heaviest node of its rendering (docs/performance.md, "The step page's queries").
    Escaped as ``{% url %}`` escapes it (a simple tag's output is). Not for a namespace with several
    instances, where ``{% url %}`` picks one by the current app."""
    key = (name, get_urlconf(), get_script_prefix())
    found = _FIXED_URLS.get(key)
    if found is None:
        found = _FIXED_URLS[key] = reverse(name)
    return found


# Static files' URLs by (path, script prefix): the storage's answer for a path does not change while the process
# runs (a manifest storage reads its manifest once); forgotten when a test changes the settings that make it.
_FIXED_STATIC: dict[tuple[str, str], str] = {}
_STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STORAGES", "INSTALLED_APPS", "DEBUG"})


@receiver(setting_changed)
def _forget_static_urls(*, setting: str, **kwargs: Any) -> None:
    if setting in _STATIC_SETTINGS:
        _FIXED_STATIC.clear()


@register.simple_tag
def fixed_static(path: str) -> str:
    """``{% static path %}`` for a fixed path, worked out once per process (per script prefix) instead of on
    every page: the base page links four static files, and the storage's ``url`` works each out anew (the
    manifest's name, the settings' prefix, a ``urljoin``; docs/performance.md, "The step page's queries", the
    second note). Escaped as ``{% static %}`` escapes it (a simple tag's output is)."""
    key = (path, get_script_prefix())
    found = _FIXED_STATIC.get(key)
    if found is None:
        found = _FIXED_STATIC[key] = StaticNode.handle_simple(path)
    return found


@register.filter
def error_summary(form: Any) -> list[tuple[str, str, str]]:
    """A bound form's problems as ``includes/error_summary.html`` lists them: (field id, label, messages) for each
    field with an error, in the form's order; a problem of the whole form is tied to its first field, with no name."""
    if not getattr(form, "errors", None):
        return []
    fields = list(form)
    summary = [
        (field.auto_id, str(field.label), " ".join(_unlabelled(str(e), str(field.label)) for e in field.errors))
        for field in fields
        if field.errors
    ]
    whole = form.non_field_errors()
    if whole and fields:
        summary.insert(0, (fields[0].auto_id, "", " ".join(str(e) for e in whole)))
    return summary


def _unlabelled(message: str, label: str) -> str:
    """A field's message without its own label in front ("From: enter a date…"), which the summary already puts
    there (review 44 read "From: From: …")."""
    return message.removeprefix(f"{label}: ")


_EMPTY_DELETE_HEADER = re.compile(r"<th>\s*</th>")


@register.simple_block_tag
def named_admin_table(content: SafeString, name: str) -> SafeString:
    """The admin's tabular inline (``admin/edit_inline/tabular.html``, included inside this tag) with its table named
    and no header cell left empty (axe empty-table-header): the first column, which holds a saved row's name, and
    the last, headed "Delete?" only when rows may be deleted."""
    html = str(content).replace("<table>", f'<table aria-label="{escape(name)}">', 1)
    html = html.replace(
        '<th class="original"></th>', '<th class="original"><span class="visually-hidden">Saved row</span></th>', 1
    )
    html = _EMPTY_DELETE_HEADER.sub('<th><span class="visually-hidden">Delete</span></th>', html, count=1)
    return mark_safe(html)  # noqa: S308 -- the content was rendered (and escaped) by the template; the name is escaped


_LINKED_SECTION = re.compile(r"/section-([0-9A-Za-z.\-]+)/?$")
_FIRST_SECTION = re.compile(r"\d+[0-9A-Za-z]*\.\d+[0-9A-Za-z\-]*")


@register.filter
def linked_part(url: str, citation: str) -> str:
    """Where a citation names several provisions and its link opens another than the first named (an eCFR
    section page: ``…/section-164.514``), the one the link opens ("§ 164.514"), to label the link with; "" when the
    link opens the first provision named, or its target cannot be read from the address (review 120: a link reading
    "45 CFR 160.103 …" opened § 164.514)."""
    linked = _LINKED_SECTION.search(url or "")
    first = _FIRST_SECTION.search(citation or "")
    if linked is None or first is None or first.group(0) == linked.group(1):
        return ""
    return f"§ {linked.group(1)}"
