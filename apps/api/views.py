"""Owners make and revoke their organisation's API keys. A new key's secret is shown once, on the page
that answers the POST (never stored, never redirected through the session)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import Membership
from apps.accounts.scoping import MemberRequest, get_for_member, member_required
from apps.api import services
from apps.api.forms import ApiKeyForm
from apps.api.models import ApiKey

OWNER = Membership.Role.OWNER


@require_http_methods(["GET", "POST"])
@member_required(OWNER)
def key_list(request: MemberRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _key, secret = services.create_api_key(
            organisation=request.organisation,
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
        )
        form = ApiKeyForm()
    keys = ApiKey.objects.filter(organisation=request.organisation).select_related("created_by")
    context = {"form": form, "keys": keys, "secret": secret}
    return render(request, "api/keys.html", context, status=400 if form.errors else 200)


@require_POST
@member_required(OWNER)
def key_revoke(request: MemberRequest, pk: int) -> HttpResponse:
    key = get_for_member(request, ApiKey, pk=pk)
    services.revoke_api_key(api_key=key)
    messages.success(request, f"Revoked the key “{key.name}” ({key.prefix}); calls with it now get a 401.")
    return redirect("api_keys:list")
