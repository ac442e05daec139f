from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "apps.discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        # The listeners of the team's events (apps/common/events.py): notifications and activity.
        from apps.discussion import receivers

        receivers.connect()
