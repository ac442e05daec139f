"""Announce overdue due-diligence items to their owners (run daily; each item once per due date)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.discussion.services import announce_overdue_items


class Command(BaseCommand):
    help = "Tell the owners of due-diligence items whose due date has passed, once per due date."

    def handle(self, *args: Any, **options: Any) -> None:
        count = announce_overdue_items(today=timezone.localdate())
        self.stdout.write(f"Announced {count} overdue item{'s' if count != 1 else ''}.")
