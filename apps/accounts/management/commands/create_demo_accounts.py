from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.demo import create_demo_accounts


class Command(BaseCommand):
    help = "Create the demo logins (development only: refused when DEBUG is off)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only; DEBUG is off.")
        for login in create_demo_accounts():
            self.stdout.write(f"  {login.email:<28} {login.password:<18} {login.what}")
