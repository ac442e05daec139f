from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare a database for use: migrate, load reference data and, when DEBUG is on, demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        call_command("load_reference_data", stdout=self.stdout)
        if settings.DEBUG:
            self.stdout.write("")
            self.stdout.write(f"KPO Advisor: http://{options['host']}:{options['port']}/")
            self.stdout.write("Demo logins (development only):")
            call_command("create_demo_accounts", stdout=self.stdout)
            self.stdout.write("")
