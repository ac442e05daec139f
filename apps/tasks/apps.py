from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "apps.tasks"
    verbose_name = "Background tasks"

    def ready(self) -> None:
        from apps.tasks import signals  # noqa: F401  (connects the failure log)
