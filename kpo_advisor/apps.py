"""The project's own configuration of Django's static files app."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    """collectstatic leaves out what the product never serves: django-ninja ships ReDoc beside Swagger UI, and
    the API docs page uses Swagger UI (``NinjaAPI``'s default), so ReDoc's 4 MB bundle and map stay behind."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "redoc.standalone.js*"]
