"""Walk the project's URL patterns, so tests can insist that every view is covered."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    name: str | None  # "namespace:name", or None for an unnamed pattern
    route: str  # the full route, as written (for messages and unnamed admin patterns)
    params: tuple[str, ...]  # the URL's parameters, outermost first


def all_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str, params: tuple[str, ...]) -> None:
        for p in patterns:
            here = params + tuple(p.pattern.regex.groupindex)
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns, here)
            else:
                name = (f"{namespace}:{p.name}" if namespace else p.name) if p.name else None
                found.append(Pattern(name, prefix + str(p.pattern), here))

    walk(get_resolver().url_patterns, "", "", ())
    return found


def site_patterns() -> list[Pattern]:
    """Every named pattern outside the Django admin (which has its own test)."""
    return [p for p in all_patterns() if p.name and not p.name.startswith("admin:")]


def admin_patterns() -> list[Pattern]:
    return [p for p in all_patterns() if p.route.startswith("admin/")]
