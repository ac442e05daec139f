from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from apps.accounts.forms import auth_field_words
        from apps.common.hostile import FIELD_NAMERS

        # The questionnaire's namer knows its own fields first; these boxes are named by no other form.
        if auth_field_words not in FIELD_NAMERS:
            FIELD_NAMERS.append(auth_field_words)
