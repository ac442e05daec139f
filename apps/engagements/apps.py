from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "apps.engagements"
    verbose_name = "Engagement models, functions and locations"
