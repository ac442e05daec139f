from django.apps import AppConfig


class TeamworkConfig(AppConfig):
    name = "apps.teamwork"
    verbose_name = "Contributors and second opinions"

    def ready(self) -> None:
        # The questionnaire asks its registered team (it must not import this app: dependencies point one way).
        from apps.questionnaire import extensions
        from apps.teamwork.team import AssessmentTeam

        extensions.register(AssessmentTeam())
