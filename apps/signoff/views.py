"""Sign-off pages: an approver's decision on a recommendation, and the owners' policy and approvers.

Outsiders get 404 (``get_for_member``); members who may not decide get a 403 that says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import Membership
from apps.accounts.scoping import MemberRequest, get_for_member, member_required
from apps.accounts.views import member_or_gone
from apps.questionnaire.gone import typed_fields
from apps.recommendations.models import Recommendation
from apps.signoff import services
from apps.signoff.forms import ApproverForm, DecisionForm, PolicyForm
from apps.signoff.status import sign_off_state

OWNER = Membership.Role.OWNER


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
def decide(request: MemberRequest, pk: int) -> HttpResponse:
    rec = get_for_member(request, Recommendation.objects.select_related("created_by", "organisation"), pk=pk)
    state = sign_off_state(rec)
    closed = services.closed_to(state, request.user.pk)
    why_not = services.refusal(recommendation=rec, membership=request.membership)
    # A decision no one can record is said to any member who opens the page, first (review 149: whoever stored it read
    # "another approver must decide it" of one needing no sign-off); a post from a member who may not decide is refused
    # as such (403) whatever the state.
    if why_not is not None and (closed is None or request.method == "POST"):
        raise PermissionDenied(why_not)
    if closed is not None:
        # Said before any form is drawn or checked (review 146: a form drawn for a recommendation needing no sign-off
        # was checked twice, then a right entry refused): a post is refused with what it held, a 409.
        if request.method == "POST":
            return _refused(request, closed, back=rec, status=409)
        return render(request, "signoff/decide.html", {"rec": rec, "state": state, "closed": closed})
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decide(
                recommendation=rec,
                membership=request.membership,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except services.SignOffConflict as exc:
            return _refused(request, exc.message, back=rec, status=409)
        messages.success(request, f"Recorded: you {decision.get_outcome_display().lower()} this recommendation.")
        return redirect("recommendations:detail", pk=rec.pk)
    context = {"rec": rec, "state": state, "form": form}
    return render(request, "signoff/decide.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(OWNER)
def policy(request: MemberRequest) -> HttpResponse:
    current = services.policy_for(request.organisation)
    # Bound, it carries what its page drew (``required_drawn``, ``approvals_drawn``); unbound, it draws what is stored.
    form = PolicyForm(request.POST) if request.method == "POST" else PolicyForm.drawn_from(current)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.set_policy(
                organisation=request.organisation,
                required=form.cleaned_data["required"],
                approvals_needed=form.cleaned_data["approvals_needed"],
                user=request.user,
                drawn=form.drawn(),
            )
        except services.PolicyChanged as exc:
            again = PolicyForm.drawn_from(exc.now, request.POST)
            again.is_valid()
            again.add_error(None, exc.message)
            return render(request, "signoff/policy.html", {"form": again}, status=409)
        except services.PolicyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Sign-off settings saved. They apply to recommendations stored from now on.")
            if stuck := services.own_recommendation_stuck(saved):
                messages.warning(request, stuck)
            # Back to the page the form was sent from: the members page's sign-off card, or this page (review 113:
            # saved here, the owner landed at the top of the members page).
            if request.POST.get("back") == "members":
                return redirect(reverse("accounts:members") + "#sign-off-settings")
            return redirect("signoff:policy")
    return render(request, "signoff/policy.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@member_required(OWNER, of=Membership)
def approver(request: MemberRequest, pk: int) -> HttpResponse:
    membership = member_or_gone(request, pk)
    if isinstance(membership, HttpResponse):
        return membership
    form = ApproverForm(request.POST)
    if not form.is_valid():
        return _refused(request, "Choose approver or not an approver.", status=400)
    try:
        services.set_approver(membership=membership, can_approve=form.cleaned_data["can_approve"], by=request.user)
    except services.PolicyError as exc:
        return _refused(request, exc.message, status=400)
    what = "is now an approver" if membership.can_approve else "is no longer an approver"
    messages.success(request, f"{membership.user.email} {what}.")
    if not membership.can_approve and (
        stuck := services.own_recommendation_stuck(services.policy_for(request.organisation))
    ):
        messages.warning(request, stuck)  # review 92: said only when the settings were saved again
    return redirect("accounts:members")


def _refused(request: MemberRequest, message: str, *, status: int, back: Recommendation | None = None) -> HttpResponse:
    # What the form held, to copy (review 135: an approver's typed reason was lost with the 409).
    sent = typed_fields(request) if request.method == "POST" else []
    return render(request, "signoff/refused.html", {"message": message, "rec": back, "sent": sent}, status=status)
