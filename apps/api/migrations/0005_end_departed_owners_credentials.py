"""API keys, webhook endpoints and open invitations made by someone who is no longer an owner of the organisation
(removed, given another role, or whose account is gone) end here, as they end from now on when that happens
(``accounts.services``): their secrets and links left with that person."""

from typing import Any

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone


def end_credentials(apps: Any, schema_editor: Any) -> None:
    membership = apps.get_model("accounts", "Membership")
    now = timezone.now()

    def still_owner(creator: str) -> Exists:
        return Exists(
            membership.objects.filter(
                organisation_id=OuterRef("organisation_id"), user_id=OuterRef(creator), role="owner"
            )
        )

    apps.get_model("api", "ApiKey").objects.filter(revoked_at__isnull=True).exclude(
        still_owner("created_by_id")
    ).update(revoked_at=now)
    apps.get_model("api", "WebhookEndpoint").objects.filter(removed_at__isnull=True).exclude(
        still_owner("created_by_id")
    ).update(removed_at=now)
    apps.get_model("accounts", "Invitation").objects.filter(
        accepted_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True
    ).exclude(still_owner("invited_by_id")).update(cancelled_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_member_removals"),
        ("api", "0004_webhook_url_no_userinfo"),
    ]

    operations = [migrations.RunPython(end_credentials, migrations.RunPython.noop)]
