from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "apps.common"
    verbose_name = "Common"

    def ready(self) -> None:
        from apps.common.admin import use_audit_events_admin

        use_audit_events_admin()
