"""Sources and confidence: every figure and obligation the product shows names where it came from."""

from __future__ import annotations

from typing import Any

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
        unknown = set(item) - {"title", "url", "date", "note"}
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
