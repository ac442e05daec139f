"""Writes that change who belongs to an organisation. Each runs in one transaction.

Membership is by consent: owners invite, and only the invited person's Accept makes a member.

The last owner of an organisation can be neither demoted nor removed: owner rows are locked
while the count is checked, so two owners demoting each other at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from apps.accounts import tasks, throttle
from apps.accounts.models import Invitation, MemberRemoval, Membership, Organisation, SsoDomain, User, email_domain
from apps.accounts.scoping import update_pinned


def invite_member(*, organisation: Organisation, email: str, role: str, invited_by: User, base_url: str) -> Invitation:
    """Invite ``email`` to ``organisation`` with ``role``. Nobody joins until they accept.

    The owner learns nothing about whether the email has an account: either way an invitation is
    made and one email is sent. Someone new gets an account without a password and the set-password
    email; an existing account gets a notice with a link to its invitations page (no organisation
    name, no data). Setting the password is not consent: a new person, too, joins only by signing
    in and pressing Accept, so every membership starts the same way.
    """
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise ValidationError("Choose owner, editor or viewer.")
    with transaction.atomic():
        # The organisation's row lock serialises two owners inviting the same email at once.
        Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()
        lock_owner(organisation_id=organisation.pk, user_id=invited_by.pk)
        if Membership.objects.filter(organisation=organisation, user__email=email).exists():
            raise ValidationError(f"{email} is already a member of {organisation}.")
        if Invitation.objects.live().filter(organisation=organisation, email=email).exists():
            raise ValidationError(
                f"{email} already has a pending invitation to {organisation}: cancel it to invite them again."
            )
        # Each invitation is a mail: an owner (or a stolen owner's session) cannot mail an address, or anyone, on
        # and on. Counted before anything is made, so a refused one makes no account either.
        if not throttle.take(
            scope="invitation_org", key=str(organisation.pk), limit=settings.INVITATIONS_PER_ORGANISATION, seconds=3600
        ):
            raise ValidationError(
                f"{organisation} has sent many invitations in the last hour: wait an hour and try again."
            )
        # Per organisation and address, so another organisation's owners cannot use up an address's invitations.
        per_address = f"{organisation.pk}:{email}"
        if not throttle.take(
            scope="invitation_address", key=per_address, limit=settings.INVITATIONS_PER_ADDRESS, seconds=86400
        ):
            raise ValidationError(
                f"{email} has been invited several times today: wait a day before inviting them again."
            )
        # One that expired unanswered makes way for the new one (one open invitation per address).
        Invitation.objects.open().filter(organisation=organisation, email=email).update(cancelled_at=timezone.now())
        user, created = User.objects.get_or_create(email=email, defaults={"is_active": True})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        invitation = Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=invited_by)
        # The mail goes from the worker, so the owner's page does not wait for the mail server. Queued in this
        # transaction (the queue is a table of this database): committed with the invitation or not at all. Queued
        # after the commit, a database lost in between left an invitation no mail was ever sent for, and the
        # owner could not invite the address again that day (review 112).
        tasks.send_invitation_mail.enqueue(invitation_id=invitation.pk, base_url=base_url)
    return invitation


def lock_owner(*, organisation_id: int, user_id: int) -> Membership:
    """The owner's membership, locked until the caller's transaction ends; PermissionDenied when the user is not an
    owner (any more). What an owner makes with the owner's rights (an API key, a webhook endpoint, an invitation)
    takes this lock first: a removal or a change of role takes it too (``_lock_members``), so it either waits for
    the thing made and then ends it with the rest, or goes first, and the thing is refused. Without it a key made
    while the owner was being demoted outlived the demotion (review 37)."""
    # Its own row alone (``of``), in no order (the model's default order joins the organisation and the user, whose
    # rows a bare FOR UPDATE would lock too), FOR NO KEY UPDATE: a change announced in its own transaction (a decision
    # notifying this owner) checks its rows' keys on the user and the organisation at commit, and had deadlocked with an
    # owner's change waiting on that decision's membership row (review 114).
    membership = (
        Membership.objects.select_for_update(of=("self",), no_key=True)
        .filter(organisation_id=organisation_id, user_id=user_id, role=Membership.Role.OWNER)
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise PermissionDenied("Only an owner of the organisation can do this.")
    return membership


def _lock_open(invitation: Invitation, *, accepting: bool = False) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(
        organisation_id=invitation.organisation_id, pk=invitation.pk
    )
    if not invitation.is_open:
        raise ValidationError("This invitation has already been answered or withdrawn.")
    if accepting and invitation.is_expired:
        raise ValidationError(
            f"This invitation expired on {invitation.expires_at:%-d %B %Y}: ask an owner of"
            f" {invitation.organisation} to invite you again."
        )
    return invitation


def accept_invitation(*, invitation: Invitation, user: User, switch: bool = False) -> Membership:
    """Make ``user`` a member with the invitation's role. The current organisation stays as it was
    unless ``switch`` (the person chose to work in the new one now)."""
    if invitation.email != user.email.lower():
        raise ValidationError("This invitation is for another email address.")
    with transaction.atomic():
        invitation = _lock_open(invitation, accepting=True)
        membership, _ = Membership.objects.get_or_create(
            organisation_id=invitation.organisation_id,
            user=user,
            defaults={"role": invitation.role, "added_by_id": invitation.invited_by_id},
        )
        MemberRemoval.objects.filter(organisation_id=invitation.organisation_id, email=invitation.email).delete()
        if switch:
            update_pinned(membership, last_chosen_at=timezone.now())
        update_pinned(invitation, accepted_at=timezone.now())
    return membership


def decline_invitation(*, invitation: Invitation, user: User) -> Invitation:
    if invitation.email != user.email.lower():
        raise ValidationError("This invitation is for another email address.")
    with transaction.atomic():
        invitation = _lock_open(invitation)
        update_pinned(invitation, declined_at=timezone.now())
    return invitation


def cancel_invitation(*, invitation: Invitation, by: User | None = None) -> Invitation:
    """Withdraw an open invitation, as the owner ``by`` (still one, under their row's lock; None: not a member's
    request). An account the invitation made and nobody ever used (no password set, never signed in, no
    membership, no other open invitation) goes with it, so the set-password link in its mail no longer works and no
    empty account is left behind."""
    with transaction.atomic():
        # The invitation first, as accepting and declining take it: the owner's row first had deadlocked with an
        # acceptance sent at the same moment (review 82: a 503 for one of the two, where the other's 409 was due).
        invitation = _lock_open(invitation)
        if by is not None:
            lock_owner(organisation_id=invitation.organisation_id, user_id=by.pk)
        update_pinned(invitation, cancelled_at=timezone.now())
        _forget_unused_accounts([invitation.email])
    return invitation


def _forget_unused_accounts(emails: list[str]) -> None:
    """Delete the accounts of ``emails`` that an invitation made and nobody used: no password set, never signed in,
    no membership and no other open invitation. Runs in the caller's transaction."""
    # Each account looked up by itself (its memberships by user, its invitations by email): the lookups that find an
    # organisation, never a scan across organisations (docs/scaling.md).
    for user in User.objects.filter(email__in=emails, last_login__isnull=True):
        if user.has_usable_password() or Membership.objects.filter(user_id=user.pk).exists():
            continue
        if Invitation.objects.open().filter(email=user.email).exists():
            continue
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:  # something refers to it after all: the account stays, unusable as it was
            pass


def choose_organisation(*, membership: Membership) -> Membership:
    """Record that the member chose to work in this organisation: it is their current one from now
    on, in this session and after their next sign-in."""
    update_pinned(membership, last_chosen_at=timezone.now())
    return membership


def _lock_members(membership: Membership) -> tuple[Membership, list[Membership]]:
    """The organisation's owners and then ``membership`` locked, the owners in id order, so that two owners demoting
    or removing each other at once wait for one another instead of deadlocking (review 37: a 503 in 1 of 12 rounds).
    """
    organisation_id = membership.organisation_id
    owners = Membership.objects.select_for_update().owners().filter(organisation_id=organisation_id).order_by("pk")
    locked = list(owners)
    return _lock_membership(membership), locked


# Other apps' reasons a member may not be removed (``apps.signoff``: the last approver a required sign-off needs),
# registered in their ``ready()``: this app must not import them (dependencies point one way). Each is called with the
# membership, inside the removal's transaction once the organisation's row is locked, and returns why not, or "".
REMOVAL_CHECKS: list[Callable[[Membership], str]] = []


def register_removal_check(check: Callable[[Membership], str]) -> None:
    if check not in REMOVAL_CHECKS:
        REMOVAL_CHECKS.append(check)


# Other apps' notes on a role change that leaves something the member was asked to do with nobody able to do it
# (``apps.teamwork``: a second opinion or a section of a draft a viewer can no longer answer), registered in their
# ``ready()`` as the removal checks are. Each is called with the membership after the change and returns a sentence,
# or "" (review 91: a demotion said only "is now Viewer", and the draft then waited on an opinion nobody could give).
ROLE_CHANGE_NOTES: list[Callable[[Membership], str]] = []


def register_role_change_note(note: Callable[[Membership], str]) -> None:
    if note not in ROLE_CHANGE_NOTES:
        ROLE_CHANGE_NOTES.append(note)


def role_change_notes(membership: Membership) -> str:
    """What the registered notes say of ``membership`` as it now is, joined ("" when nothing)."""
    return " ".join(said for note in ROLE_CHANGE_NOTES if (said := note(membership)))


def removal_refused(membership: Membership) -> str:
    """Why removing ``membership`` would be refused as things stand (the last owner, or a check another app registered),
    or "": read without locks, so the removal page does not ask to confirm what the removal then refuses (review 63).
    The removal checks again."""
    if membership.role == Membership.Role.OWNER:
        others = Membership.objects.owners().filter(organisation_id=membership.organisation_id)
        if not others.exclude(pk=membership.pk).exists():
            return LAST_OWNER
    return next((why for check in REMOVAL_CHECKS if (why := check(membership))), "")


LAST_OWNER = "An organisation needs at least one owner: make someone else an owner first."


def _ensure_another_owner(membership: Membership, owners: list[Membership]) -> None:
    """``owners``: the organisation's owners, locked (``_lock_members``)."""
    if membership.role == Membership.Role.OWNER and len(owners) <= 1:
        raise ValidationError(LAST_OWNER)


@dataclass(frozen=True)
class Ended:
    """What an owner leaving (or losing the owner's role) ended with them: their API keys, webhook endpoints and
    open invitations in the organisation, each made with the owner's rights."""

    keys: int = 0
    endpoints: int = 0
    invitations: int = 0
    # The single sign-on domains they registered: the organisation's own setting, kept, but named for the owners to
    # check (review 37), as anyone verified at such a domain joins through single sign-on.
    domains: tuple[str, ...] = ()

    def __str__(self) -> str:
        counts = ((self.keys, "API key"), (self.endpoints, "webhook endpoint"), (self.invitations, "open invitation"))
        parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts if n]
        ended = f"Ended with it: {', '.join(parts)}." if parts else ""
        if self.domains:
            listed = ", ".join(self.domains)
            ended += (
                f" They registered the single sign-on domain{'s' if len(self.domains) > 1 else ''} {listed}: check"
                " on the single sign-on page that it should stay."
            )
        return ended.strip()


def _end_owner_rights(membership: Membership) -> Ended:
    """A member who was an owner and is no longer one (removed or given another role) keeps no credential they
    made with the owner's rights: the keys' and endpoints' secrets were shown to them, and an invitation they
    sent would let them (or anyone they chose) back in with the role they picked. Ended in the same transaction
    as the change, so nothing they made outlives it."""
    from apps.api.services import end_credentials_of  # the API's models depend on this app, not the reverse

    if membership.role != Membership.Role.OWNER:
        return Ended()
    keys, endpoints = end_credentials_of(organisation_id=membership.organisation_id, user_id=membership.user_id)
    ended = Invitation.objects.open().filter(
        organisation_id=membership.organisation_id, invited_by_id=membership.user_id
    )
    emails = list(ended.values_list("email", flat=True))
    invitations = ended.update(cancelled_at=timezone.now())
    _forget_unused_accounts(emails)  # their set-password links lead nowhere, as a cancelled invitation's do
    domains = SsoDomain.objects.filter(organisation_id=membership.organisation_id, added_by_id=membership.user_id)
    return Ended(keys, endpoints, invitations, tuple(domains.order_by("domain").values_list("domain", flat=True)))


def _ensure_still_an_owner(by: User | None, owners: list[Membership]) -> None:
    """The acting owner ``by`` is still one of the organisation's ``owners`` (locked, ``_lock_members``): an owner
    demoted or removed while their request waited for the lock had still changed roles after it (review 55)."""
    if by is not None and all(o.user_id != by.pk for o in owners):
        raise PermissionDenied("Only an owner of the organisation can do this: you are no longer one.")


def change_role(*, membership: Membership, role: str, by: User | None = None) -> Ended:
    """Give ``membership`` ``role``, as the owner ``by`` (checked under the owners' lock; None: not a member's
    request). An owner given another role ends what they made as one (``Ended``)."""
    if role not in Membership.Role.values:
        raise ValidationError("Choose owner, editor or viewer.")
    with transaction.atomic():
        membership, owners = _lock_members(membership)
        _ensure_still_an_owner(by, owners)
        ended = Ended()
        if role != Membership.Role.OWNER:
            _ensure_another_owner(membership, owners)
            ended = _end_owner_rights(membership)
        update_pinned(membership, role=role)
    return ended


def remove_member(*, membership: Membership, by: User | None = None) -> Ended:
    """Remove ``membership`` as the owner ``by`` (as ``change_role``); an owner's keys, webhook endpoints and open
    invitations end with it (``Ended``)."""
    with transaction.atomic():
        membership, owners = _lock_members(membership)
        _ensure_still_an_owner(by, owners)
        _ensure_another_owner(membership, owners)
        if REMOVAL_CHECKS:
            Organisation.objects.select_for_update(no_key=True).filter(pk=membership.organisation_id).first()
            if why := next((why for check in REMOVAL_CHECKS if (why := check(membership))), ""):
                raise ValidationError(why)
        ended = _end_owner_rights(membership)
        # By organisation and id; the database deletes the member's stakeholder roles, assignments and second
        # opinions with it (their keys cascade, apps/common/on_delete.py).
        Membership.objects.filter(organisation_id=membership.organisation_id, pk=membership.pk).delete()
        # Remembered, so signing in through the organisation's single sign-on does not make them a member again.
        MemberRemoval.objects.update_or_create(
            organisation_id=membership.organisation_id, email=membership.user.email.strip().lower()
        )
    return ended


def _lock_membership(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().get(organisation_id=membership.organisation_id, pk=membership.pk)


def join_by_single_sign_on(*, email: str, organisation: Organisation) -> tuple[User, Membership, bool]:
    """The user for a verified ``email`` signing in through single sign-on, and their membership of
    ``organisation`` (whose registered domain the email is at). Returns (user, membership, joined now).

    Signing in through the organisation's own identity provider is the consent: the first sign-in makes the
    account (no password: it signs in through the provider) and an editor's membership; a member keeps the
    role they have. Two first sign-ins at once make one of each (both rows are unique). Someone an owner
    removed is refused (``removed_by_owner``; the sign-in checks it first), until an invitation adds them again."""
    email = email.strip().lower()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(email=email, defaults={"password": make_password(None)})
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Membership.Role.EDITOR}
        )
    return user, membership, created


def member_elsewhere_only(*, email: str, organisation: Organisation) -> bool:
    """Whether ``email``'s account belongs to other organisations and not to ``organisation``: single sign-on into
    it would make them a member of an organisation they never joined, so it is refused (an invitation adds them)."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).only("pk").first()
    if user is None:
        return False
    memberships = Membership.objects.filter(user_id=user.pk)
    return memberships.exists() and not memberships.filter(organisation_id=organisation.pk).exists()


def removed_by_owner(*, email: str, organisation: Organisation) -> bool:
    """Whether an owner removed ``email`` from ``organisation`` and no invitation has added them back since."""
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        return False
    return MemberRemoval.objects.filter(organisation=organisation, email=email).exists()


# Public mail services' domains, which no organisation may register for single sign-on: a service's name under any
# country's domain (hotmail.co.uk, yahoo.fr, outlook.de: review 57 registered those past a list of whole domains),
# and the other services by their whole domain.
PUBLIC_MAIL_NAMES = frozenset(
    {
        "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "rocketmail", "aol", "icloud",
        "protonmail", "gmx", "yandex", "tutanota", "rediffmail", "qq", "163", "126", "yeah", "sina", "sohu",
        "foxmail", "naver", "daum", "hanmail", "rambler", "libero", "virgilio", "wanadoo",
    }
)  # fmt: skip
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "me.com", "mac.com", "proton.me", "pm.me", "mail.com", "zoho.com", "fastmail.com", "hey.com", "tuta.com",
        "orange.fr", "free.fr", "sfr.fr", "laposte.net", "seznam.cz", "web.de", "t-online.de", "freenet.de",
        "arcor.de", "btinternet.com", "sky.com", "virginmedia.com",
        "talktalk.net", "ntlworld.com", "bigpond.com", "optusnet.com.au", "shaw.ca", "rogers.com", "sympatico.ca",
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "cox.net", "charter.net", "earthlink.net",
        "bluewin.ch", "wp.pl", "o2.pl", "onet.pl", "interia.pl", "ukr.net", "bol.com.br", "uol.com.br",
        "terra.com.br", "mail.ru", "bk.ru", "list.ru", "inbox.ru", "tiscali.it", "alice.it", "telenet.be",
        "skynet.be", "ziggo.nl", "kpnmail.nl", "home.nl", "planet.nl", "xs4all.nl", "telia.com", "online.no",
    }
)  # fmt: skip


def public_mail_domain(domain: str) -> bool:
    """Whether ``domain`` is a public mail service's (``PUBLIC_MAIL_NAMES`` under any suffix, or one of
    ``PUBLIC_MAIL_DOMAINS``): its users belong to no one organisation."""
    domain = domain.strip().lower().rstrip(".")
    return domain in PUBLIC_MAIL_DOMAINS or domain.split(".", 1)[0] in PUBLIC_MAIL_NAMES


class SsoDomainChanged(ValidationError):
    """A domain's single sign-on changed since the page sending a change of it was drawn: nothing is saved (409)."""


def register_sso_domain(
    *,
    organisation: Organisation,
    domain: str,
    sso_required: bool,
    added_by: User,
    drawn: Mapping[str, bool] | None = None,
) -> SsoDomain:
    """Register ``domain`` for single sign-on into ``organisation``, or change whether it is required.

    ``drawn``: the registered domains the page showed, each with whether single sign-on was required then (None: an
    older page, whose value is taken). A domain stored now otherwise than the page showed it (registered since, or
    its requirement changed) is refused with SsoDomainChanged unless what was sent is what is stored: a page drawn
    before a colleague required single sign-on switched it off unseen (review 112).

    The owner's own email must be at the domain (they speak for it), a domain belongs to one organisation, and a
    public mail service's domain (gmail.com and the like) belongs to none: its users are not one organisation's
    people (review 55)."""
    domain = domain.strip().lower()
    own = email_domain(added_by.email)
    if own != domain:
        raise ValidationError(f"Register the domain of your own email address ({own or added_by.email}).")
    if public_mail_domain(domain):
        raise ValidationError(
            f"{domain} is a public mail service's domain, whose users belong to no one organisation: single sign-on "
            "works with your organisation's own domain."
        )
    with transaction.atomic():
        lock_owner(organisation_id=organisation.pk, user_id=added_by.pk)  # still an owner, until it is registered
        existing = SsoDomain.objects.select_for_update().filter(domain=domain).first()
        if existing is not None and existing.organisation_id != organisation.pk:
            raise ValidationError(f"{domain} is registered by another organisation.")
        if existing is not None and drawn is not None:
            shown = drawn.get(domain)
            if existing.sso_required != sso_required and shown != existing.sso_required:
                now = "single sign-on required" if existing.sso_required else "password sign-in allowed"
                since = "registered" if shown is None else "changed"
                raise SsoDomainChanged(
                    f"{domain} was {since} since this page was drawn, and now has {now}. Nothing was saved: the "
                    "table shows it as it is now; tick or untick the box to say which you want, and save again."
                )
        if existing is None:
            try:
                with transaction.atomic():
                    return SsoDomain.objects.create(
                        organisation=organisation, domain=domain, sso_required=sso_required, added_by=added_by
                    )
            except IntegrityError:  # registered by someone else a moment ago
                raise ValidationError(f"{domain} is registered by another organisation.") from None
        SsoDomain.objects.filter(organisation_id=organisation.pk, pk=existing.pk).update(sso_required=sso_required)
        existing.sso_required = sso_required
    return existing


def remove_sso_domain(*, registration: SsoDomain) -> None:
    # By organisation and id (delete() on the row names the id alone): one node on Citus (docs/scaling.md).
    SsoDomain.objects.filter(organisation_id=registration.organisation_id, pk=registration.pk).delete()
