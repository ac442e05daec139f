from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction


@require_safe
@login_required
def engagement_models(request: HttpRequest) -> HttpResponse:
    models = EngagementModel.objects.active()
    return render(request, "engagements/models.html", {"models": models})


@require_safe
@login_required
def knowledge_functions(request: HttpRequest) -> HttpResponse:
    functions = KnowledgeFunction.objects.active()
    return render(request, "engagements/functions.html", {"functions": functions})


@require_safe
@login_required
def delivery_locations(request: HttpRequest) -> HttpResponse:
    locations = DeliveryLocation.objects.active().order_by("region", "name")
    return render(request, "engagements/locations.html", {"locations": locations})
