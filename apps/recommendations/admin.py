"""Recommendations in admin: read-only (they are immutable) and for operators (superusers) only, and the
impact preview for drafts, which curators use.

Recommendations are buyer data: a member sees only their organisation's, and curators (the product's
staff who own the catalogue and playbooks) see none. The list is refused to any staff user who is not
a superuser, whatever permissions a group grants, so a misconfigured group cannot open it. The impact
preview stays open to curators because it shows counts and examples by knowledge function only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.tasks import TaskResultStatus
from django.urls import path

from apps.engagements.models import KnowledgeFunction
from apps.playbooks.engine import DefinitionError, compile_playbook
from apps.playbooks.models import Playbook
from apps.recommendations import impact
from apps.recommendations.models import Recommendation
from apps.tasks.worker import worker_alive

IMPACT_LIMIT = 100_000


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "verdict", "fit_score", "top_model", "function", "created_at"]
    list_filter = ["verdict", "top_model", "function"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation"]
    exclude = ["snapshot"]
    readonly_fields = [
        "organisation", "assessment", "playbook", "engine_version", "created_by", "created_at", "title", "verdict",
        "fit_score", "top_model", "function", "regimes",
    ]  # fmt: skip
    show_full_result_count = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.impact_view)
        return [
            path("impact/<int:playbook_id>/", view, name="recommendations_recommendation_impact"),
            *super().get_urls(),
        ]

    def impact_view(self, request: HttpRequest, playbook_id: int) -> HttpResponse:
        if not request.user.has_perm("playbooks.view_playbook"):
            raise PermissionDenied
        playbook = get_object_or_404(Playbook, pk=playbook_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": Playbook._meta,
            "playbook": playbook,
            "original": playbook,
            "title": f"Impact preview: {playbook}",
        }
        definition = impact.engine_input(playbook)
        try:
            compile_playbook(definition)  # refused at once, with its problems, rather than in the worker
        except DefinitionError as exc:
            context["problems"] = exc.problems
            return render(request, "admin/playbooks/impact.html", context, status=400)
        # The preview reads every stored recommendation, so the worker works it out: the page shows its
        # progress (refreshing itself) and the result once done; asking again finds the same task.
        result = impact.request_preview(playbook=playbook, definition=definition, limit=IMPACT_LIMIT)
        context["task"] = result
        if result.status == TaskResultStatus.SUCCESSFUL and result.return_value is not None:
            context["impact"] = found = impact.impact_from_data(result.return_value)
            # Each example's function by its name, not its code (review 128: "legal-review").
            names = dict(KnowledgeFunction.objects.values_list("code", "name"))
            context["examples"] = [(names.get(c.function, c.function), c) for c in found.examples]
        elif result.status == TaskResultStatus.FAILED:
            context["failed"] = True
        else:
            context["no_worker"] = result.status == TaskResultStatus.READY and not worker_alive()
        return render(request, "admin/playbooks/impact.html", context)
