from django.apps import AppConfig


class SignoffConfig(AppConfig):
    name = "apps.signoff"
    verbose_name = "Sign-off"

    def ready(self) -> None:
        # The accounts app asks its registered checks before removing a member (it must not import this app).
        from apps.accounts.services import register_removal_check
        from apps.signoff.services import approver_removal_refused

        register_removal_check(approver_removal_refused)
