from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "apps.discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        # The listeners of the team's events (apps/common/events.py): notifications and activity.
        from apps.discussion import receivers

        receivers.connect()
        # The header's unread count comes with the memberships every member page reads anyway.
        from apps.accounts.scoping import MEMBERSHIP_ANNOTATIONS
        from apps.discussion.context_processors import UNREAD, unread_per_membership

        MEMBERSHIP_ANNOTATIONS[UNREAD] = unread_per_membership
