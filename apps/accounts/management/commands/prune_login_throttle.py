from typing import Any

from django.core.management.base import BaseCommand

from apps.accounts import throttle


class Command(BaseCommand):
    help = "Delete login-throttle rows whose window and lock are over (run daily, like clearsessions)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {throttle.prune()} finished login-throttle rows.")
