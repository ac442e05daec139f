"""Set up a new organisation and invite its first owner: how an organisation comes to use KPO Advisor.

Accounts are by invitation (an owner invites the rest of the team from the Members page); the first owner of a new
organisation is invited by the people who run the product, with this command:

    manage.py create_organisation "Acme Procurement Ltd" owner@acme.example --base-url https://kpo.example.com

The owner is mailed the invitation (the set-password link for someone new), as any invitation is, by the worker.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.text import slugify

from apps.accounts import tasks
from apps.accounts.models import Invitation, Membership, Organisation, User
from apps.common.hostile import looks_blank


class Command(BaseCommand):
    help = "Set up a new organisation and invite its first owner (mailed the invitation, which they accept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the organisation's name, as its members see it")
        parser.add_argument("owner_email", help="the first owner's email address")
        parser.add_argument(
            "--base-url", required=True, help="the site's address for the link in the mail, e.g. https://kpo.example"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = " ".join(str(options["name"]).split())
        email = str(options["owner_email"]).strip().lower()
        base_url = str(options["base_url"]).rstrip("/")
        if looks_blank(name) or len(name) > 200:
            raise CommandError("Give the organisation a name of up to 200 characters.")
        try:
            EmailValidator()(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except ValidationError:
            raise CommandError(f"--base-url {base_url!r} is not an http or https address.") from None
        if Organisation.objects.filter(name__iexact=name).exists():
            raise CommandError(f"An organisation named {name!r} exists already: choose another name.")
        with transaction.atomic():
            slug = base = slugify(name)[:190] or "organisation"
            n = 1
            while Organisation.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            organisation = Organisation.objects.create(name=name, slug=slug)
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
        self.stdout.write(
            f"Made {organisation.name} and invited {email} as its first owner: the invitation is mailed by the "
            "worker, and they join when they sign in and accept it. They then invite the rest of the team from the "
            "Members page."
        )
