"""Admin for the allow-list of source hosts, with the source check as a page curators can open.

Registered from ``apps.compliance.admin`` (the app whose obligations are most of what it checks) so that
this shared app's ``admin.py`` stays as it is; admin lists the model under "Common" either way.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from apps.common.admin import AuditedAdmin
from apps.common.models import SourceHost
from apps.common.source_audit import KINDS, audit_sources


@admin.register(SourceHost)
class SourceHostAdmin(AuditedAdmin):
    list_display = ["host", "publisher", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["host", "publisher", "note"]

    def get_urls(self) -> list[URLPattern]:
        check = path("check/", self.admin_site.admin_view(self.source_check_view), name="common_sourcehost_check")
        return [check, *super().get_urls()]

    def source_check_view(self, request: HttpRequest) -> HttpResponse:
        """The same findings as ``manage.py check_sources``, grouped by kind, for curators to fix in admin."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        findings = sorted(audit_sources(), key=lambda f: list(KINDS).index(f.kind))
        groups = [(KINDS[kind], list(items)) for kind, items in groupby(findings, key=lambda f: f.kind)]
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": "Source check",
            "opts": self.model._meta,
            "groups": groups,
            "total": len(findings),
        }
        return TemplateResponse(request, "compliance/admin_source_check.html", context)
