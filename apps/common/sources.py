"""Sources and confidence: every figure and obligation the product shows names where it came from.

Besides the shape of a source list, this module holds the checks a compliance reviewer would make by
hand (``check_url``, ``has_pinpoint``, ``research_notes``, ``figures_without_own_source``). They are
pure functions over plain values, so ``manage.py check_sources``, the admin page and the tests share
one set of rules and messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models


class Confidence(models.TextChoices):
    PRIMARY = "primary", "Primary source"
    SECONDARY = "secondary", "Secondary source"
    WEAK = "weak", "Weak source: verify before relying on it"


def validate_sources(value: Any) -> None:
    """Sources are a list of {"title": str, "url": str, "date": str?, "note": str?}."""
    if not isinstance(value, list):
        raise ValidationError("Sources must be a list of objects with a title and a URL.")
    url_ok = URLValidator(schemes=["http", "https"])
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValidationError(f"Source {index} must be an object with a title and a URL.")
        unknown = set(item) - {"title", "url", "date", "note", "figures"}
        if unknown:
            raise ValidationError(f"Source {index} has unknown keys: {', '.join(sorted(unknown))}.")
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValidationError(f"Source {index} needs a title.")
        url = item.get("url", "")
        if url:
            if not isinstance(url, str):
                raise ValidationError(f"Source {index}: the URL must be text.")
            try:
                url_ok(url)
            except ValidationError:
                raise ValidationError(f"Source {index}: {url!r} is not a valid http(s) URL.") from None
        for key in ("date", "note"):
            if key in item and not isinstance(item[key], str):
                raise ValidationError(f"Source {index}: {key} must be text.")
        figures = item.get("figures", [])
        if not isinstance(figures, list) or not all(isinstance(f, str) and f for f in figures):
            raise ValidationError(f'Source {index}: figures must be a list of figure names, e.g. ["kpo_rate"].')


# Hosts that copy, stage or resell other people's pages: never a citation, whatever the allow-list says.
_COPY_HOSTS = {
    "github.com": "a code-hosting page",
    "raw.githubusercontent.com": "a code-hosting page",
    "gitlab.com": "a code-hosting page",
    "bitbucket.org": "a code-hosting page",
    "wikimili.com": "a mirror of Wikipedia",
    "docsbay.net": "a document-sharing copy",
    "mail-archive.com": "a mailing-list archive copy",
    "self-law.org": "a copy of the official text",
    "lexbuild.dev": "a copy of the official text",
    "law-reg.org": "a copy of the official text",
    "claudepluginhub.com": "an AI plugin marketplace",
}
# Free hosting for static copies of other sites.
_COPY_SUFFIXES = {".pages.dev": "a static copy", ".github.io": "a code-hosting page", ".netlify.app": "a static copy"}
_STAGING = re.compile(r"(^|[.-])(staging|stg|stage)([.-]|\d|$)")
_MARKETPLACE = re.compile(r"marketplace|plugin-?hub|/skills/", re.IGNORECASE)


def host_of(url: str) -> str:
    """The host of a URL, lower-case, without "www." (so www.sec.gov and sec.gov are one host)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def copy_host_reason(url: str) -> str:
    """Why ``url`` sits on a staging, copy or marketplace host, or "" when it does not."""
    host = host_of(url)
    for name, why in _COPY_HOSTS.items():
        if host == name or host.endswith("." + name):
            return why
    for suffix, why in _COPY_SUFFIXES.items():
        if host.endswith(suffix):
            return why
    if _STAGING.search(host):
        return "a staging or preview host"
    if _MARKETPLACE.search(urlsplit(url).path) or _MARKETPLACE.search(host):
        return "a marketplace page"
    return ""


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """``host`` is on the allow-list itself or is a sub-domain of a listed host."""
    return any(host == a or host.endswith("." + a) for a in allowed)


def check_url(url: str, allowed: Iterable[str]) -> list[tuple[str, str]]:
    """Problems with one source link, as (kind, message) pairs; no link is not a problem here."""
    if not url:
        return []
    reason = copy_host_reason(url)
    if reason:
        return [("copy", f"{host_of(url)} is {reason}; cite the publisher's own page or the official text")]
    host = host_of(url)
    if not host_allowed(host, allowed):
        return [("host", f"{host} is not on the allow-list of official and named sources")]
    return []


# A pinpoint names the provision: an article, section, paragraph, rule, clause or a numbered section
# such as 164.504(e) or SYSC 8.1.8R, or a French code's article ("art. L. 511-33", its legislative, regulatory or
# decree part before the number), or guidance numbered in capital Roman numerals ("section V", as SR 11-7 is).
# An instrument's name alone ("the GLBA") is not one.
_PINPOINT = re.compile(
    r"\bArts?\.?\s*(?:[LRD]\.?\s*)?\d|\bArticles?\s+\d|§|\bs{1,2}\.\s*\d|\bsec(?:tions?|s?\.)\s*[IVXA-Z\d][\w.()-]*\d|\bparas?\.\s*\d|\bparagraphs?\s+\d"
    r"|\bsections?\s+(?-i:[IVX]+)\b"
    r"|\bRules?\s+\d|\bRule\s+[A-Z]?\d|\bcl\.\s*\d|\bclauses?\s+\d|\bPrinciples?\s+\d|\bChapter\s+[IVX\d]"
    r"|\bOp(inion)?\.?\s+\d|\bCC\d|\b\d+\.\d+|\bAnnex\s+[A-Z\d]|\bAppendix\s+[A-Z\d]|\bTitle\s+[IVX\d]"
    r"|U\.S\.C\.\s*§?\s*\d|\bCFR\s+(Part\s+)?\d|\bregs?\.\s*\d",  # reg.: a UK statutory instrument's regulation
    re.IGNORECASE,
)


def has_pinpoint(citation: str) -> bool:
    return bool(_PINPOINT.search(citation or ""))


# Notes about how the research was done, which mean nothing to a buyer and undermine the page. Each pattern comes
# with words any match of it contains, looked for first: a result page is long, and a case-blind search of it with
# a pattern that starts at a word boundary tries every position.
_RESEARCH_NOTES = [
    (needles, re.compile(pattern, re.IGNORECASE))
    for needles, pattern in (
        (("crawl",), r"\bcrawl [A-Z]\b"),
        (("of the page", "of the article"), r"\bcop(?:y|ies) [A-Z](?: and [A-Z])? of the (?:page|article)"),
        (("stops",), r"\btext\s+stops\s+at\b"),  # written with \s+ so this file holds no such note itself
        (("was lost",), r"\b(?:cost )?table (?:by function )?was lost\b"),
        (("lost ",), r"\blost (?:article )?table\b"),
        (("proxy figure",), r"\(proxy figures?\)|, proxy figures?\b"),
        (
            ("memory", "background knowledge", "remember"),
            r"\b(?:recalled|paraphrased|quoted) from memory\b|\bfrom background knowledge\b|\bas I remember it\b",
        ),
        (("lost ",), r"\blost (?:its|their) figures\b"),
        (("cut off",), r"\bis cut off\b|\bcut off after\b"),
        # How a text was (not) read narrates the research; what the buyer needs is that a source is secondary and
        # what to check ("given from secondary accounts: check them on ...").
        (("read",), r"\b(?:was|were)\s+not\s+read\b|\bnot\s+read\s+(?:here|on|in|against)\b"),
        (("entry",), r"\bfor\s+this\s+entry\b"),
        (("placeholder",), r"\bis\s+a\s+placeholder\b"),
        # Likewise whether a figure or citation was checked: the buyer reads what it is to be checked against ("to be
        # checked against the release", "to be confirmed on eCFR"), never that it was not. "conf", not "confirmed": a
        # dotless ı matches i in a case-blind pattern but stays ı when folded.
        (
            ("checked", "conf"),
            r"\bnot\s+(?:been\s+)?(?:checked|confirmed)\s+(?:line\s+by\s+line\s+)?(?:against|on)\b",
        ),
    )
]


def research_notes(text: str) -> list[str]:
    """The research notes found in buyer-facing ``text`` (the matched words), empty when clean."""
    text = text or ""
    folded = text.casefold()
    return [
        m.group(0)
        for needles, pattern in _RESEARCH_NOTES
        if any(needle in folded for needle in needles) and (m := pattern.search(text))
    ]


def figures_without_own_source(figures: Sequence[str], sources: Sequence[Mapping[str, Any]]) -> list[str]:
    """Figures that do not carry a source of their own: none of the sources names them, so they lean on the
    entry's whole list, or every one of several sources names them, which is the whole list again."""
    lacking = []
    for figure in figures:
        naming = [s for s in sources if figure in (s.get("figures") or [])]
        if not naming or (len(sources) > 1 and len(naming) == len(sources)):
            lacking.append(figure)
    return lacking
