"""Queue the daily digest for everyone who chose it (run once a day, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.discussion.models import MailPreference
from apps.discussion.tasks import send_digest


class Command(BaseCommand):
    help = "Queue one mail per person who chose the daily digest, listing their unread notifications."

    def handle(self, *args: Any, **options: Any) -> None:
        users = list(MailPreference.objects.filter(daily_digest=True).values_list("user_id", flat=True))
        for user_id in users:
            send_digest.enqueue(user_id=user_id, base_url=settings.SITE_URL)
        self.stdout.write(f"Queued {len(users)} digest{'s' if len(users) != 1 else ''}.")
