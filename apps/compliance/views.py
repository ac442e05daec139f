from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from apps.compliance.models import Obligation, Regime


@require_safe
@login_required
def regimes(request: HttpRequest) -> HttpResponse:
    items = Regime.objects.active().prefetch_related(Prefetch("obligations", Obligation.objects.order_by("order")))
    return render(request, "compliance/regimes.html", {"regimes": items})


@require_safe
@login_required
def regime_detail(request: HttpRequest, code: str) -> HttpResponse:
    regime = get_object_or_404(Regime.objects.active(), code=code)
    obligations = regime.obligations.order_by("order")
    phases = [(label, [o for o in obligations if o.phase == value]) for value, label in Obligation.Phase.choices]
    return render(request, "compliance/regime_detail.html", {"regime": regime, "phases": phases})
