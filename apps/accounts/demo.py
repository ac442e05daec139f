"""Demo logins for development: a curator, and an organisation with an owner, an editor and a viewer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from apps.accounts.models import Membership, Organisation, User
from apps.common.curators import ensure_curator_group

DEMO_ORGANISATION = "Demo Procurement Ltd"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    what: str


DEMO_LOGINS = (
    DemoLogin("curator@kpo-advisor.test", "curate-kpo-2026", "curator (Django admin: catalogue, playbooks, vendors)"),
    DemoLogin("owner@demo.test", "owner-kpo-2026", f"owner of {DEMO_ORGANISATION}"),
    DemoLogin("editor@demo.test", "editor-kpo-2026", f"editor in {DEMO_ORGANISATION}"),
    DemoLogin("viewer@demo.test", "viewer-kpo-2026", f"viewer in {DEMO_ORGANISATION}"),
)
ROLES = {"owner@demo.test": "owner", "editor@demo.test": "editor", "viewer@demo.test": "viewer"}


def create_demo_accounts() -> tuple[DemoLogin, ...]:
    """Create (or reset the passwords of) the demo logins. Idempotent."""
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(slug="demo", defaults={"name": DEMO_ORGANISATION})
        for login in DEMO_LOGINS:
            is_curator = login.email.startswith("curator@")
            user, _ = User.objects.get_or_create(email=login.email)
            # The demo curator is staff in the curator group, not a superuser: it sees what curators see.
            user.is_staff = is_curator
            user.is_superuser = False
            user.is_active = True
            user.set_password(login.password)
            user.save()
            if is_curator:
                user.groups.add(ensure_curator_group())
            if login.email in ROLES:
                Membership.objects.update_or_create(
                    user=user, organisation=organisation, defaults={"role": ROLES[login.email]}
                )
    return DEMO_LOGINS
