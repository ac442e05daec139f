from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "apps.discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        # The listeners of the team's events (apps/common/events.py): notifications and activity.
        from apps.discussion import receivers

        receivers.connect()
        # An autosave's timeline line written by the save's own statement (sitting.py), its listener then idle.
        from apps.discussion.services import AnswersTimeline
        from apps.questionnaire import extensions

        extensions.register_timeline(AnswersTimeline())
        # The header's unread count comes with the memberships every member page reads anyway.
        from apps.accounts.scoping import MEMBERSHIP_ANNOTATIONS
        from apps.discussion.context_processors import UNREAD, unread_per_membership

        MEMBERSHIP_ANNOTATIONS[UNREAD] = unread_per_membership
