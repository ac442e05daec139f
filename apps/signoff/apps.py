from django.apps import AppConfig


class SignoffConfig(AppConfig):
    name = "apps.signoff"
    verbose_name = "Sign-off"
