from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "apps.playbooks"
    verbose_name = "Playbooks"
