"""Organisations, their members and roles. Users sign in with their email address."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    # django-stubs types AbstractUser.username as str; None is Django's documented way to drop the field.
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # django-stubs: AbstractUser.objects is auth's UserManager, whose create_user takes a username first.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:200] or "organisation"
        super().save(*args, **kwargs)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def owners(self) -> MembershipQuerySet:
        return self.filter(role=Membership.Role.OWNER)

    def for_user(self, user: Any) -> MembershipQuerySet:
        return self.filter(user=user).select_related("organisation")

    def approvers(self) -> MembershipQuerySet:
        return self.filter(can_approve=True)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"

    RANK: ClassVar[dict[str, int]] = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)
    # The owner whose invitation this member accepted (empty for memberships made before invitations).
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="added by"
    )
    # When the member last chose this organisation (switcher, or "accept and switch"): after sign-in the
    # current organisation is the one chosen last, never one merely joined (apps/accounts/scoping.py).
    last_chosen_at = models.DateTimeField(null=True, blank=True)
    # Approving is a role beside owner / editor / viewer, not a rank above them: whoever decides a sourcing
    # decision (a CFO who only reads, a procurement lead who edits) may be one (apps/signoff).
    can_approve = models.BooleanField("approver", default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"

    def has_role(self, role: str) -> bool:
        """True when this member's role is at least ``role`` (owner > editor > viewer)."""
        return self.RANK[self.role] >= self.RANK[role]

    @property
    def can_edit(self) -> bool:
        return self.has_role(self.Role.EDITOR)

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class LoginThrottle(models.Model):
    """Recent failed sign-ins for one email address from one client address (apps/accounts/throttle.py).

    The email is the one typed, whether or not an account has it, so a lock says nothing about
    which accounts exist.
    """

    email = models.CharField(max_length=320)
    ip = models.CharField("client address", max_length=45, blank=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField()
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_failure_at"]
        constraints = [
            models.UniqueConstraint(fields=["email", "ip"], name="login_throttle_unique_email_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip or 'unknown'}: {self.failures} failures"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Invitations nobody has answered or cancelled yet."""
        return self.filter(accepted_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True)

    def for_email(self, email: str) -> InvitationQuerySet:
        return self.filter(email=email.strip().lower())

    def live(self) -> InvitationQuerySet:
        """Open invitations that can still be accepted: sent within ``INVITATION_DAYS``."""
        return self.open().filter(created_at__gt=timezone.now() - timedelta(days=settings.INVITATION_DAYS))


class Invitation(models.Model):
    """An owner's offer of a role in their organisation to one email address.

    Nobody becomes a member without accepting (DESIGN.md invariant 11): the membership is made when
    the person signed in with this email accepts. The invitation belongs to the email, so only that
    user can see, accept or decline it; the organisation's owners can cancel it while it is open.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("email address")
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.VIEWER)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_one_open_per_organisation_email",
            ),
            # An invitation ends once: accepted, declined or cancelled, never two of them.
            models.CheckConstraint(
                condition=(
                    models.Q(accepted_at__isnull=True, declined_at__isnull=True)
                    | models.Q(accepted_at__isnull=True, cancelled_at__isnull=True)
                    | models.Q(declined_at__isnull=True, cancelled_at__isnull=True)
                ),
                name="invitation_ends_once",
            ),
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="invitation_email_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.declined_at is None and self.cancelled_at is None

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(days=settings.INVITATION_DAYS)

    @property
    def is_expired(self) -> bool:
        """Open, but sent more than ``INVITATION_DAYS`` ago: it can no longer be accepted (the owner invites again)."""
        return self.is_open and self.expires_at <= timezone.now()


class RateLimit(models.Model):
    """Uses of one action by one key in a fixed window (apps/accounts/throttle.py), e.g. reset mails
    asked for one address, or from one client address. The key is whatever was typed, known or not."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=320)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-window_started_at"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="rate_limit_unique_scope_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.count}"


# A registered domain: lower-case ASCII labels (an international one in its IDNA form), at least one dot.
HOSTNAME = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+"


def email_domain(email: str) -> str | None:
    """The domain of an address with exactly one @, as SsoDomain holds it: lower case, an international
    domain in its ASCII (IDNA) form. None when there is no single domain (no @, two of them: the text after
    the last @ of ``x@evil.example@acme.test`` is not its domain) or it is no hostname."""
    _local, at, domain = email.strip().lower().partition("@")
    if not at or "@" in domain:
        return None
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:  # an empty or over-long label, or text IDNA cannot encode
        return None
    return domain if re.fullmatch(HOSTNAME, domain) else None


EMAIL_LENGTH = 254  # User.email's column; an address cannot be longer (RFC 5321's path limit)


def plain_email(email: str) -> str | None:
    """``email`` as an address to give an account (trimmed, lower case), or None when it is not one plain,
    well-formed address: text without control characters (PostgreSQL refuses NUL), at most ``EMAIL_LENGTH``
    characters, exactly one @ with a hostname after it (``email_domain``: no IP address in brackets), no quoted
    local part (where an @ or a control character can hide), no character that would let it pass for another
    address (``_look_alike``), and accepted by Django's EmailValidator. Single sign-on's claimed address and an
    owner's invitation both go through it."""
    from apps.common.hostile import CONTROL  # the one rule for control characters

    if CONTROL.search(email):
        return None
    email = email.strip().lower()
    if len(email) > EMAIL_LENGTH or '"' in email or email_domain(email) is None or _look_alike(email):
        return None
    # A domain given in its ASCII form (a browser's email box sends "xn--rview-zwe.test" for "rеview.test", with a
    # Cyrillic е) is judged as the letters it stands for (review 39).
    local, _, domain = email.rpartition("@")
    if "xn--" in domain:
        try:
            shown = domain.encode("ascii").decode("idna")
        except UnicodeError:
            return None
        if _look_alike(f"{local}@{shown}"):
            return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def _look_alike(email: str) -> bool:
    """Whether ``email`` holds characters that would let it pass for another address: invisible ones (a
    zero-width space, a direction mark: Unicode's format characters; a combining grapheme joiner or a variation
    selector: marks that join nothing, review 37), forms that compatibility normalisation folds (fullwidth
    letters), or a part that mixes scripts (a Cyrillic "е" among Latin letters). IDNA folds or drops the first two
    when matching the domain, so ``owner@demo.test`` followed by a zero-width space would reach the organisation
    of ``demo.test`` as an account shown exactly like its owner's."""
    if unicodedata.normalize("NFKC", email) != unicodedata.normalize("NFC", email):
        return True
    if any(unicodedata.category(c) in ("Cf", "Mn", "Me") for c in unicodedata.normalize("NFC", email)):
        return True
    return any(len(_scripts(part)) > 1 for part in re.split(r"[@.]", email))


def _scripts(text: str) -> set[str]:
    """The scripts of ``text``'s letters, by the first word of each one's Unicode name (LATIN, CYRILLIC, GREEK …)."""
    return {unicodedata.name(c, "?").split(" ", 1)[0] for c in text if c.isalpha()}


class SsoDomainQuerySet(models.QuerySet["SsoDomain"]):
    def for_email(self, email: str) -> SsoDomainQuerySet:
        """The registration of ``email``'s domain (at most one: a domain belongs to one organisation); none
        for text that is not an address at one domain."""
        domain = email_domain(email)
        return self.none() if domain is None else self.filter(domain=domain)


class SsoDomain(models.Model):
    """An email domain whose people sign in through single sign-on into this organisation (apps/accounts/sso.py).

    Registered by an owner whose own email is at the domain (that much proves they speak for it); a domain
    belongs to one organisation. With ``sso_required``, password sign-in for emails at the domain is refused
    and points to single sign-on."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sso_domains")
    domain = models.CharField(max_length=253)
    sso_required = models.BooleanField("require single sign-on", default=False)
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SsoDomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["domain"], name="sso_domain_unique_domain"),
            models.CheckConstraint(
                condition=models.Q(domain__regex=f"^{HOSTNAME}$"),
                name="sso_domain_lowercase_hostname",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.organisation})"


class MemberRemoval(models.Model):
    """An owner removed the member with this email from the organisation: single sign-on never adds them back
    (apps/accounts/sso.py). An invitation they accept makes them a member again and clears it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    removed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="member_removal_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} removed from {self.organisation}"
