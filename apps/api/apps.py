from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apps.api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        from apps.api import signals  # noqa: F401  (webhooks listen to the team events)
