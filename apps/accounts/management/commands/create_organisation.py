"""Set up a new organisation and invite its first owner: how an organisation comes to use KPO Advisor.

Accounts are by invitation (an owner invites the rest of the team from the Members page); the first owner of a new
organisation is invited by the people who run the product, with this command:

    manage.py create_organisation "Acme Procurement Ltd" owner@acme.example --base-url https://kpo.example.com

The owner is mailed the invitation (the set-password link for someone new), as any invitation is, by the worker.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts import tasks
from apps.accounts.models import Invitation, Membership, Organisation, User
from apps.common.hostile import draws, looks_blank, without_unseen


class Command(BaseCommand):
    help = "Set up a new organisation and invite its first owner (mailed the invitation, which they accept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the organisation's name, as its members see it")
        parser.add_argument("owner_email", help="the first owner's email address")
        parser.add_argument(
            "--base-url", required=True, help="the site's address for the link in the mail, e.g. https://kpo.example"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = " ".join(without_unseen(str(options["name"])).split())
        email = str(options["owner_email"]).strip().lower()
        base_url = _base_url(str(options["base_url"]))
        if looks_blank(name) or len(name) > 200:
            raise CommandError("Give the organisation a name of up to 200 characters.")
        try:
            EmailValidator()(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        same = [o for o in Organisation.objects.only("pk", "name") if _compared(o.name) == _compared(name)]
        with transaction.atomic():
            if same:
                organisation = same[0]
                # Asked again for an organisation nobody has joined yet: its first owner's invitation is sent afresh
                # (the mailed link lasts days; a lost one had left no way in, review 67). Anything else is refused.
                if (
                    Membership.objects.filter(organisation=organisation).exists()
                    or not Invitation.objects.filter(
                        organisation=organisation, email=email, role=Membership.Role.OWNER
                    ).exists()
                ):
                    raise CommandError(
                        f"An organisation named {organisation.name!r} exists already: choose another name."
                    )
                Invitation.objects.open().filter(organisation=organisation, email=email).update(
                    cancelled_at=timezone.now()
                )
                made = "invited"
            else:
                slug = base = slugify(name)[:190] or "organisation"
                n = 1
                while Organisation.objects.filter(slug=slug).exists():
                    n += 1
                    slug = f"{base}-{n}"
                organisation = Organisation.objects.create(name=name, slug=slug)
                made = "made"
            user, created = User.objects.get_or_create(email=email, defaults={"is_active": True})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            invitation = Invitation.objects.create(
                organisation=organisation, email=email, role=Membership.Role.OWNER, invited_by=None
            )
            transaction.on_commit(
                lambda: tasks.send_invitation_mail.enqueue(invitation_id=invitation.pk, base_url=base_url)
            )
        said = "Made" if made == "made" else "Nobody has joined yet; sent a new invitation for"
        self.stdout.write(
            f"{said} {organisation.name} and invited {email} as its first owner: the invitation is mailed by the "
            "worker, and they join when they sign in and accept it. They then invite the rest of the team from the "
            "Members page."
        )


def _compared(name: str) -> str:
    """A name as two names are compared: what draws, case-folded, single-spaced."""
    return " ".join("".join(ch if draws(ch) else " " for ch in name).casefold().split())


def _base_url(raw: str) -> str:
    """The site's address as the mail's link starts: http or https, a host and port, a path; nothing else (a query,
    a fragment or a user name in it made a broken or misleading link, review 67)."""
    parts = urlsplit(raw.strip())
    problem = (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
    )
    if not problem:
        try:
            URLValidator(schemes=["http", "https"])(raw.strip())
        except ValidationError:
            problem = True
    if problem:
        raise CommandError(f"--base-url {raw!r} must be the site's http or https address: a host, a port, a path.")
    return raw.strip().rstrip("/")
