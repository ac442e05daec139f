from django.apps import AppConfig


class TeamworkConfig(AppConfig):
    name = "apps.teamwork"
    verbose_name = "Contributors and second opinions"

    def ready(self) -> None:
        # The questionnaire asks its registered team (it must not import this app: dependencies point one way).
        from apps.questionnaire import extensions
        from apps.teamwork.team import AssessmentTeam

        extensions.register(AssessmentTeam())

        from apps.accounts.services import register_role_change_note
        from apps.teamwork.services import left_waiting

        register_role_change_note(left_waiting)
