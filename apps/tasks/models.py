"""When each organisation last had a task of the shared queues taken, so the worker takes turns between them."""

from __future__ import annotations

from django.db import models


class QueueTurn(models.Model):
    """The last time the worker took a task of one organisation's from the default queue (a memo, what would flip a
    recommendation, an export, a re-score). The worker takes next the organisation served least recently, so twelve
    memos of one do not hold another's for a minute (review 75). Webhook deliveries take turns by their own attempts
    (``apps.api.tasks.oldest_served_first``).

    Not a tenant table: the organisation's id as a plain key, written and read by the worker alone; an organisation
    deleted leaves a row nothing reads."""

    organisation_id = models.BigIntegerField(primary_key=True)
    served_at = models.DateTimeField()

    class Meta:
        verbose_name = "queue turn"

    def __str__(self) -> str:
        return f"organisation {self.organisation_id}: served {self.served_at:%Y-%m-%d %H:%M:%S}"
