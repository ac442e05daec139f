"""The project's own configuration of Django's static files app and of the audit history's app."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig
from pghistory.apps import PGHistoryConfig


class StaticFiles(StaticFilesConfig):
    """collectstatic leaves out what the product never serves: django-ninja ships ReDoc beside Swagger UI, and
    the API docs page uses Swagger UI (``NinjaAPI``'s default), so ReDoc's 4 MB bundle and map stay behind."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "redoc.standalone.js*"]


class ChangeHistory(PGHistoryConfig):
    """The audit trail's app as a curator reads it in the admin's menu: "Change history", not the library's name
    (review 113: "PGHISTORY / Events")."""

    verbose_name = "Change history"
