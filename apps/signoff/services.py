"""Sign-off's writes: the organisation's policy, who approves, opening a sign-off, and deciding.

Each is one transaction. Deciding locks the recommendation's ``SignOff`` row, so two approvers deciding
at the same moment are decided one after the other: the second sees the first's decision (a rejection, or
the last approval needed) and is refused with what happened, never silently recorded after the end.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, Organisation, User
from apps.accounts.scoping import update_pinned
from apps.accounts.services import lock_owner
from apps.common.drawn import Since, since_drawn
from apps.common.events import announce, approval_requested, decision_made
from apps.common.prepared import PreparedQuery
from apps.recommendations.models import Recommendation
from apps.signoff.models import MAX_APPROVALS, Decision, SignOff, SignOffPolicy
from apps.signoff.status import SignOffState, sign_off_state


class SignOffConflict(Exception):
    """The decision cannot be recorded as things stand (already decided, nothing to decide): a 409."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PolicyError(Exception):
    """The policy or approver change would leave recommendations that no one can approve: a 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def policy_for(organisation: Organisation) -> SignOffPolicy:
    """The organisation's policy (unsaved and not required when its owners never set one)."""
    found = SignOffPolicy.objects.filter(organisation=organisation).first()
    return found or SignOffPolicy(organisation=organisation)


def set_policy(
    *,
    organisation: Organisation,
    required: bool,
    approvals_needed: int,
    user: User,
    drawn: tuple[bool | None, int | None] = (None, None),
) -> SignOffPolicy:
    """Require approval (by ``approvals_needed`` approvers) of recommendations stored from now on, or stop.

    ``drawn``: what the page showed (required, approvals needed; None where it did not say). A field left as drawn
    keeps what is stored now, a colleague's change since included; one changed here and by a colleague since raises
    PolicyChanged (common/drawn.py). Recommendations already stored keep what they needed: a sign-off is fixed when
    it is opened."""
    if not 1 <= approvals_needed <= MAX_APPROVALS:
        raise PolicyError(f"Approvals needed must be between 1 and {MAX_APPROVALS}.")
    with transaction.atomic():
        # Still an owner, under their row's lock, as a change of role takes it (review 57: a demoted owner's request
        # in flight had still changed the policy).
        lock_owner(organisation_id=organisation.pk, user_id=user.pk)
        Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()
        now = policy_for(organisation)
        was_required, was_needed = drawn
        required, approvals_needed = (
            _since(was_required, required, now.required, now),
            _since(was_needed, approvals_needed, now.approvals_needed, now),
        )
        approvers = Membership.objects.filter(organisation=organisation).approvers().count()
        if required and approvers < approvals_needed:
            raise PolicyError(
                f"{_approvers(approvers)} in this organisation, so {approvals_needed} "
                f"approval{'' if approvals_needed == 1 else 's'} could never be "
                "given: mark more members as approvers first."
            )
        policy, _ = SignOffPolicy.objects.update_or_create(
            organisation=organisation,
            defaults={"required": required, "approvals_needed": approvals_needed, "updated_by": user},
        )
        return policy


class PolicyChanged(PolicyError):
    """A setting this page changed was changed by someone else since the page was drawn: nothing is saved."""

    def __init__(self, now: SignOffPolicy) -> None:
        self.now = now
        who = f" by {now.updated_by}" if now.updated_by_id else ""
        when = f" at {timezone.localtime(now.updated_at):%H:%M}" if getattr(now, "updated_at", None) else ""
        count = f"{now.approvals_needed} approval{'' if now.approvals_needed == 1 else 's'}"
        need = (
            f"approval is required, {count} each" if now.required else f"no approval is required ({count} when it is)"
        )
        super().__init__(
            f"These settings were changed{who}{when} since this page was drawn: {need}. Nothing was saved. The form "
            "below shows what you chose; save it again to replace theirs."
        )


def _since(drawn: Any, sent: Any, now: Any, policy: SignOffPolicy) -> Any:
    """One setting as common/drawn.py rules it: None drawn (a form that carries nothing) takes what was sent."""
    if drawn is None:
        return sent
    match since_drawn(drawn, sent, now):
        case Since.KEEP:
            return now
        case Since.TAKE:
            return sent
    raise PolicyChanged(policy)


def own_recommendation_stuck(policy: SignOffPolicy) -> str:
    """Beside settings that need as many approvals as there are approvers: nobody approves a recommendation they
    stored, so one an approver stores could never be approved ("" otherwise; review 91: "3 of 3" was saved without a
    word, and every approver's submission then stuck)."""
    if not policy.required:
        return ""
    approvers = Membership.objects.filter(organisation_id=policy.organisation_id).approvers().count()
    if approvers != policy.approvals_needed:
        return ""
    return (
        f"But with {policy.approvals_needed} approval{'s' if policy.approvals_needed != 1 else ''} needed and "
        f"{approvers} approver{'s' if approvers != 1 else ''}, a recommendation an approver stores can never be "
        "approved, since nobody "
        "approves their own: mark another approver, or lower the approvals needed."
    )


def set_approver(*, membership: Membership, can_approve: bool, by: User | None = None) -> Membership:
    """Make a member an approver, or no longer one (their past decisions stay as recorded), as the owner ``by`` (still
    one, under their row's lock; None: not a member's request)."""
    with transaction.atomic():
        if by is not None:
            lock_owner(organisation_id=membership.organisation_id, user_id=by.pk)
        # FOR NO KEY UPDATE: it excludes the other owners' changes, not a decision's commit checking its rows' keys on
        # the organisation, which waited on it while it waited on that decision's membership row (review 114).
        Organisation.objects.select_for_update(no_key=True).filter(pk=membership.organisation_id).first()
        if not can_approve and membership.can_approve:
            policy = SignOffPolicy.objects.filter(organisation_id=membership.organisation_id, required=True).first()
            left = Membership.objects.filter(organisation_id=membership.organisation_id).approvers().count() - 1
            if policy is not None and left < policy.approvals_needed:
                needed = policy.approvals_needed
                raise PolicyError(
                    f"Recommendations need {needed} approval{'s' if needed != 1 else ''} and "
                    f"{_approvers(left).lower()} left: lower the approvals needed or mark another approver first."
                )
        update_pinned(membership, can_approve=can_approve)
        return membership


def approver_removal_refused(membership: Membership) -> str:
    """Why removing ``membership`` would leave fewer approvers than a required sign-off needs (as ``set_approver``
    refuses to), or "": registered with the accounts app's removal checks (review 85: removing the only approver went
    through where unmarking them was refused)."""
    if not membership.can_approve:
        return ""
    policy = SignOffPolicy.objects.filter(organisation_id=membership.organisation_id, required=True).first()
    if policy is None:
        return ""
    left = Membership.objects.filter(organisation_id=membership.organisation_id).approvers().count() - 1
    if left >= policy.approvals_needed:
        return ""
    needed = policy.approvals_needed
    return (
        f"{membership.user.email} is an approver, recommendations need {needed} approval{'s' if needed != 1 else ''}, "
        f"and {_approvers(left).lower()} left without them: lower the approvals needed or mark another approver first."
    )


def _approvers(count: int) -> str:
    if count == 0:
        return "There are no approvers"
    return f"There {'is' if count == 1 else 'are'} only {count} approver{'s' if count != 1 else ''}"


# As ``.first()`` asks (by primary key, one row), compiled once per process (apps/common/prepared.py): every
# submit asks, and most organisations require no approval, so composing the query was most of what it cost.
_REQUIRED_POLICY = PreparedQuery(
    lambda organisation: SignOffPolicy.objects.filter(organisation_id=organisation, required=True).order_by("pk")[:1]
)


def open_sign_off(*, recommendation: Recommendation, user: User) -> SignOff | None:
    """Called where a recommendation is stored (submit, re-score, what-if saved): when the organisation
    requires approval, the recommendation awaits it and its approvers are asked. A copy is a new
    recommendation, so it is asked for anew; the original's decisions stay the original's."""
    found = _REQUIRED_POLICY(organisation=recommendation.organisation_id)
    if not found:
        return None
    policy = found[0]
    sign_off = SignOff.objects.create(
        recommendation=recommendation,
        organisation_id=recommendation.organisation_id,
        approvals_needed=policy.approvals_needed,
    )
    approvers = User.objects.filter(
        memberships__organisation_id=recommendation.organisation_id, memberships__can_approve=True
    ).exclude(pk=user.pk)
    announce(
        approval_requested,
        sender=SignOff,
        organisation=recommendation.organisation,
        actor=user,
        recipients=list(approvers),
        target=recommendation,
        url=reverse("recommendations:detail", args=[recommendation.pk]),
        summary=f"{user} asks for approval of the recommendation “{recommendation.title}”",
    )
    return sign_off


def refusal(*, recommendation: Recommendation, membership: Membership) -> str | None:
    """Why this member may not decide this recommendation (a 403's reason), or None when they may."""
    if not membership.can_approve:
        # An owner is told it can mark itself (review 146: an owner was sent to find an owner).
        who = "as an owner, you can mark yourself one" if membership.is_owner else "an owner can make you one"
        return f"Only approvers can approve or reject a recommendation; {who} on the members page."
    if recommendation.created_by_id == membership.user_id:
        return "You stored this recommendation, so another approver must decide it."
    return None


NO_SIGN_OFF = "This recommendation needs no sign-off: approval was not required when it was stored."


def closed_to(state: SignOffState, user_id: int) -> str | None:
    """Why no decision of ``user_id``'s can be recorded on a sign-off as it stands (none needed, theirs given, or it is
    approved or rejected), or None while one can: ``decide``'s conflicts, which the decision page says before drawing
    a form that could not be recorded (review 146: the form was drawn and checked, then a right entry refused)."""
    if not state.required:
        return NO_SIGN_OFF
    mine = state.decision_by(user_id)
    if mine is not None:
        return (
            f"You already {mine.get_outcome_display().lower()} this recommendation on "
            f"{mine.decided_at:%-d %b %Y}; a decision cannot be changed."
        )
    if state.final:
        # Who decided, and when (review 135: "already approved" with no word of by whom).
        by = "; ".join(
            f"{d.get_outcome_display().lower()} by {d.approver.email} on {d.decided_at:%-d %b %Y at %H:%M} UTC"
            for d in state.decisions
        )
        return (
            f"This recommendation is already {state.label.lower()}{f' ({by})' if by else ''}. A decision cannot "
            "be reopened: an editor or owner can re-score it or save a what-if to ask for a new approval."
        )
    return None


def decide(*, recommendation: Recommendation, membership: Membership, outcome: str, reason: str) -> Decision:
    """Record ``membership``'s approval or rejection of ``recommendation``, once.

    Raises PermissionDenied (not an approver, or the one who stored it) or SignOffConflict (no sign-off
    needed, already decided by them, or already approved or rejected)."""
    why_not = refusal(recommendation=recommendation, membership=membership)
    if why_not is not None:
        raise PermissionDenied(why_not)
    with transaction.atomic():
        # Still an approver, read again under their row's lock, which a change of their approver mark or role takes
        # too: a decision begun before the owner unmarked them waits for it and is refused (review 108: it was
        # recorded after, by a member no longer an approver).
        # Its own row alone (``of``), in no order: the model's default order joins the organisation and the user, and
        # a bare FOR UPDATE would lock their rows too, deadlocking with an owner's change of the approver mark, which
        # takes the organisation's row first (review 110).
        current = (
            Membership.objects.select_for_update(of=("self",))
            .filter(pk=membership.pk, organisation_id=recommendation.organisation_id)
            .order_by("pk")
            .first()
        )
        if current is None:
            raise PermissionDenied("You are no longer a member of this organisation.")
        why_not = refusal(recommendation=recommendation, membership=current)
        if why_not is not None:
            raise PermissionDenied(why_not)
        sign_off = SignOff.objects.select_for_update().filter(recommendation=recommendation).first()
        if sign_off is None:
            raise SignOffConflict(NO_SIGN_OFF)
        why_closed = closed_to(sign_off_state(recommendation), membership.user_id)
        if why_closed is not None:
            raise SignOffConflict(why_closed)
        decision = Decision.objects.create(
            organisation_id=recommendation.organisation_id,
            recommendation=recommendation,
            approver=membership.user,
            outcome=outcome,
            reason=reason,
        )
        _announce_decision(recommendation, decision, membership.user, closed=sign_off_state(recommendation).final)
        return decision


def _announce_decision(recommendation: Recommendation, decision: Decision, actor: User, *, closed: bool) -> None:
    """``closed``: the decision approved or rejected the recommendation, so no other approver is asked any more."""
    concerned = User.objects.filter(
        memberships__organisation_id=recommendation.organisation_id, memberships__can_approve=True
    ).exclude(pk=actor.pk)
    recipients = {u.pk: u for u in concerned}
    if recommendation.created_by_id != actor.pk:
        recipients.setdefault(recommendation.created_by_id, recommendation.created_by)
    announce(
        decision_made,
        sender=Decision,
        organisation=recommendation.organisation,
        actor=actor,
        recipients=list(recipients.values()),
        target=recommendation,
        url=reverse("recommendations:detail", args=[recommendation.pk]),
        summary=f"{actor} {decision.get_outcome_display().lower()} the recommendation “{recommendation.title}”",
        closed=closed,
    )
