"""Webhook addresses carry no user name or password: one saved before the form refused them loses them here (the
delivery's signature authenticates it), and the table refuses them from now on."""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import migrations, models


def without_userinfo(apps: Any, schema_editor: Any) -> None:
    endpoint = apps.get_model("api", "WebhookEndpoint")
    for row in endpoint.objects.filter(url__regex=r"^[a-z]+://[^/?#]*@").only("pk", "url"):
        parts = urlsplit(row.url)
        host = parts.netloc.rpartition("@")[2]
        endpoint.objects.filter(pk=row.pk).update(url=urlunsplit(parts._replace(netloc=host)))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_member_removals"),
        ("api", "0003_ratecounter_organisation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(without_userinfo, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="webhookendpoint",
            constraint=models.CheckConstraint(
                condition=models.Q(("url__regex", "^[a-z]+://[^/?#]*@"), _negated=True),
                name="webhook_url_no_userinfo",
            ),
        ),
    ]
