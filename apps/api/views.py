"""Owners make and revoke their organisation's API keys, and register webhook endpoints and see their
deliveries. A new key's secret, and a new endpoint's signing secret, is shown once, on the page that answers
the POST (never redirected through the session); reloading that page makes nothing more (``common.once``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import Membership
from apps.accounts.scoping import MemberRequest, get_for_member, member_required
from apps.api import services
from apps.api.forms import ApiKeyForm, WebhookForm
from apps.api.models import ApiKey, WebhookDelivery, WebhookEndpoint
from apps.common import once
from apps.common.confirm import unconfirmed

OWNER = Membership.Role.OWNER


def _as_typed(request: MemberRequest, ticked: str) -> dict[str, Any]:
    """A refused form's data as sent (the boxes ``ticked`` as a list), so what was typed stays; sent again, it is a
    new send, so it carries a new token (``once``)."""
    return {**request.POST.dict(), ticked: request.POST.getlist(ticked), "once": once.new_token()}


# A form sent again whose first send made nothing this page can name: that send may still be making it (two sends at
# once), or have been refused (review 165: "its key is listed below" when the first send was refused at the limit).
SENT_AT_ONCE = (
    "This form was already sent, and only its first send counts. If a new {what} is not listed below, that send "
    "{made} none: reload this page, then send the form again."
)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(OWNER)
def key_list(request: MemberRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None, initial={"once": once.new_token()})
    secret = None
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["once"]
        again, earlier = once.sent_before(request, token, ApiKey.objects.filter(organisation=request.organisation))
        if again and earlier is not None:  # the page that showed its secret, reloaded
            messages.warning(
                request,
                f"This form was already sent: it made the key “{earlier.name}” ({earlier.prefix}), and its secret was "
                "shown once, on the page that made it. If it was not copied, revoke that key and make another.",
            )
            form = ApiKeyForm(initial={"once": once.new_token()})
        elif again:  # sent again, and the first send made nothing that can be named (still making it, say)
            messages.warning(request, SENT_AT_ONCE.format(what="key", made="made"))
            form = ApiKeyForm(initial={"once": once.new_token()})
        else:
            try:
                key, secret = services.create_api_key(
                    organisation=request.organisation,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                )
                once.remember(request, token, key.pk)
                form = ApiKeyForm(initial={"once": once.new_token()})
            except services.ApiKeyError as refused:
                once.refused(request, token)
                form.add_error(None, str(refused))
                form.data = _as_typed(request, "scopes")
    keys = ApiKey.objects.filter(organisation=request.organisation).select_related("created_by")
    context = {"form": form, "keys": keys, "secret": secret}
    return render(request, "api/keys.html", context, status=400 if form.errors else 200)


@require_POST
@member_required(OWNER, of=ApiKey)
def key_revoke(request: MemberRequest, pk: int) -> HttpResponse:
    key = get_for_member(request, ApiKey, pk=pk)
    ask = unconfirmed(
        request,
        heading=f"Revoke the key “{key.name}” ({key.prefix})?",
        consequence="Every call made with it is refused (401) from now on; whatever uses it stops working until it "
        "is given a new key. A revoked key cannot be restored.",
        button="Revoke the key",
        back=reverse("api_keys:list"),
    )
    if ask is not None:
        return ask
    services.revoke_api_key(api_key=key)
    messages.success(request, f"Revoked the key “{key.name}” ({key.prefix}); calls with it now get a 401.")
    return redirect("api_keys:list")


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(OWNER)
def webhook_list(request: MemberRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None, initial={"once": once.new_token()})
    secret = None
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["once"]
        own = WebhookEndpoint.objects.filter(organisation=request.organisation)
        again, earlier = once.sent_before(request, token, own)
        if again and earlier is not None:  # the page that showed its secret, reloaded
            messages.warning(
                request,
                f"This form was already sent: it added the webhook to {earlier.url}, and its signing secret was shown "
                "once, on the page that added it. If it was not copied, remove that webhook and add it again.",
            )
            form = WebhookForm(initial={"once": once.new_token()})
        elif again:  # sent again, and the first send added nothing that can be named (still adding it, say)
            messages.warning(request, SENT_AT_ONCE.format(what="webhook", made="added"))
            form = WebhookForm(initial={"once": once.new_token()})
        else:
            try:
                endpoint, secret = services.create_webhook_endpoint(
                    organisation=request.organisation,
                    user=request.user,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                )
                once.remember(request, token, endpoint.pk)
                form = WebhookForm(initial={"once": once.new_token()})
            except services.WebhookError as refused:
                once.refused(request, token)
                # The endpoints' limit is a problem of the whole form; anything else, of its address.
                form.add_error(None if isinstance(refused, services.WebhookLimit) else "url", str(refused))
                form.data = _as_typed(request, "events")
    endpoints = WebhookEndpoint.objects.filter(organisation=request.organisation).annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
    )
    context = {"form": form, "endpoints": endpoints, "secret": secret}
    return render(request, "api/webhooks.html", context, status=400 if form.errors else 200)


DELIVERIES_SHOWN = 100


@require_GET
@member_required(OWNER, of=WebhookEndpoint)
def webhook_detail(request: MemberRequest, pk: int) -> HttpResponse:
    endpoint = get_for_member(request, WebhookEndpoint, pk=pk)
    deliveries = WebhookDelivery.objects.filter(organisation=request.organisation, endpoint=endpoint).defer("payload")
    context = {"endpoint": endpoint, "deliveries": deliveries[:DELIVERIES_SHOWN], "shown": DELIVERIES_SHOWN}
    return render(request, "api/webhook_detail.html", context)


@require_POST
@member_required(OWNER, of=WebhookEndpoint)
def webhook_remove(request: MemberRequest, pk: int) -> HttpResponse:
    endpoint = get_for_member(request, WebhookEndpoint, pk=pk)
    ask = unconfirmed(
        request,
        heading=f"Remove the webhook to {endpoint.url}?",
        consequence="Nothing more is sent to it, deliveries waiting to be retried included. To send there again, "
        "register it again (with a new signing secret).",
        button="Remove the webhook",
        back=reverse("api_keys:webhooks"),
    )
    if ask is not None:
        return ask
    services.remove_webhook_endpoint(endpoint=endpoint)
    messages.success(request, f"Removed the webhook to {endpoint.url}; nothing more is sent to it.")
    return redirect("api_keys:webhooks")
