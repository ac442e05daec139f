"""Recommendations: the immutable, scored result of a submitted assessment.

The verdict, fit score, top model, function and regimes are columns for the organisation's history
and filters; everything the result page shows (answers, every figure, text, source and explanation)
lives in ``snapshot`` so the page renders the same forever. A database trigger refuses UPDATE, and
``save()`` refuses to write an existing row: re-scoring makes a new recommendation.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cached_property
from threading import Lock
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from apps.accounts.models import Organisation
from apps.common.json import FastJSONField
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from apps.recommendations.snapshot import Snapshot, read_snapshot


class Verdict(models.TextChoices):
    WINS = "wins", "KPO wins"
    CONDITIONAL = "conditional", "KPO wins, on conditions"
    DOESNT_WIN = "doesnt_win", "KPO doesn't win"


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def for_organisation(self, organisation: Organisation) -> RecommendationQuerySet:
        return self.filter(organisation=organisation)


class Recommendation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="recommendations")
    # The database refuses to delete an assessment with a recommendation (the foreign key, checked at commit), and
    # questionnaire.services.delete_draft refuses a submitted one first; DO_NOTHING rather than PROTECT so that Django
    # does not look for a recommendation by the assessment's id alone (docs/scaling.md).
    assessment = models.OneToOneField(Assessment, on_delete=models.DO_NOTHING, related_name="recommendation")
    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="recommendations")
    engine_version = models.CharField(max_length=20)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    fit_score = models.PositiveSmallIntegerField()
    top_model = models.CharField(max_length=60, blank=True)
    # What the cost says against the verdict, as its headline's first two parts ("on fit only; it does not pay"), so
    # the history, its export and the portfolio say it beside the verdict as the result page does (review 81: "KPO
    # wins" stood alone in the list for work likely to cost seven times in-house); "" when the cost does not argue.
    # Recommendations stored before the column have none.
    cost_note = models.CharField(max_length=200, blank=True, default="")
    function = models.CharField(max_length=60, blank=True)
    regimes = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    snapshot = FastJSONField()  # written by orjson: a couple of hundred kilobytes on a large playbook

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at", "-id"], name="rec_org_created_idx"),
            models.Index(fields=["organisation", "verdict", "-created_at"], name="rec_org_verdict_idx"),
            models.Index(fields=["organisation", "top_model", "-created_at"], name="rec_org_model_idx"),
            models.Index(fields=["organisation", "function", "-created_at"], name="rec_org_function_idx"),
            GinIndex(fields=["regimes"], name="rec_regimes_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fit_score__gte=0, fit_score__lte=100), name="recommendation_fit_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.get_verdict_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("A recommendation is immutable; re-score to make a new one.")
        super().save(*args, **kwargs)

    @property
    def recommended_model(self) -> str:
        """The model the verdict recommends, as the lists and the export name it: none when KPO doesn't win (the top
        model is then only the one with the most points; review 41) or no model can be used as answered (review 170:
        the history named a model the result said could not be used)."""
        from apps.recommendations.cost_caveat import model_usable

        return self.top_model if self.verdict != "doesnt_win" and model_usable(self.cost_note) else ""

    @cached_property
    def record(self) -> Snapshot:
        """The stored snapshot, parsed (whatever version it was stored as) into the typed contract.

        A stored recommendation never changes (the trigger above), so its parse is kept for the process
        (``PARSED``): the result page read again and each what-if on it parse it once, not on every request."""
        if self._state.adding or self.pk is None:
            return read_snapshot(self.snapshot)
        return PARSED.get((self.pk, self.organisation_id, self.created_at), lambda: read_snapshot(self.snapshot))


class ParsedSnapshots:
    """The parsed snapshots of the last ``size`` stored recommendations read in this process, least recently
    used out first. A parse is immutable (frozen dataclasses and tuples), so threads share it. The key holds
    the row's creation time as well as its id: a database emptied and filled again (tests) may give an id
    twice, never with the same time to the microsecond and the same organisation."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[Any, ...], Snapshot] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[Any, ...], parse: Any) -> Snapshot:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        parsed: Snapshot = parse()  # outside the lock: two threads may both parse, and keep the same
        with self._lock:
            self._kept[key] = parsed
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return parsed

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


# About 140 KB each for a 500-rule playbook's result, so at most about 18 MB a process.
PARSED = ParsedSnapshots(128)


class PortfolioCount(models.Model):
    """How many of an organisation's recommendations fall in one month (UTC) under one verdict, top
    model, function or regime. Kept by database triggers on every insert and delete of a recommendation
    (bulk loads included), so the portfolio reads a few hundred rows whatever the volume. Never written
    by the application; ``rebuild_portfolio_counts`` recomputes them from the recommendations."""

    class Dimension(models.TextChoices):
        VERDICT = "verdict", "Verdict"
        MODEL = "model", "Top engagement model"
        FUNCTION = "function", "Knowledge function"
        REGIME = "regime", "Regime"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    month = models.DateField()
    key = models.CharField(max_length=60)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dimension", "month", "key"], name="portfolio_count_one_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.dimension} {self.month:%Y-%m} {self.key}: {self.count}"


class Memo(models.Model):
    """A recommendation's decision memo, drawn once and kept: drawing one costs seconds of CPU, and what
    it shows (the recommendation's snapshot and its printed scoring date) never changes. A row whose
    ``renderer_version`` is not the current one is drawn again on the next download."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, primary_key=True, related_name="memo"
    )
    # The tenant, as on its recommendation (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    renderer_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "recommendation"], name="memo_by_org")]
        constraints = [
            models.CheckConstraint(condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="memo_sha256_is_hex"),
        ]

    def __str__(self) -> str:
        return f"Memo for recommendation {self.recommendation_id} ({self.renderer_version})"


class FlipRecord(models.Model):
    """What would flip a recommendation, worked out once after it is stored and kept beside it.

    The search takes tens of milliseconds (more when it has to try triples), so submit does not wait for
    it: a background task works it out after the commit, or the first view of the result page or memo
    does, whichever comes first. What the page showed is what is stored, and it never changes: a
    trigger refuses UPDATE, and writers insert once (``insight.stored_flips``). Recommendations whose
    snapshot already holds what would flip it (schema 3, stored at submit) have no record."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, primary_key=True, related_name="flip_record"
    )
    # The tenant, as on its recommendation (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    # As the snapshot's ``flips``: [{"sentence": ..., "changes": [{"question": ..., "value": ...}]}]
    flips = models.JSONField()
    # The most answers changed together that were searched, every combination of that many tried, and
    # whether the search was whole (False only when triples were needed but too many to count through).
    depth = models.PositiveSmallIntegerField()
    complete = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "recommendation"], name="fliprecord_by_org")]
        constraints = [
            models.CheckConstraint(condition=models.Q(depth__gte=1, depth__lte=3), name="flip_record_depth_1_to_3"),
        ]

    def __str__(self) -> str:
        return f"What would flip recommendation {self.recommendation_id}"


class ExportFile(models.Model):
    """A large export made by the background worker, kept in the database (not on disk, so every app
    server can hand it out) for its organisation's members to download."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=100)
    query = models.CharField(max_length=2000, blank=True)  # the history filters it was made with
    newest = models.PositiveIntegerField()  # the newest recommendation then: none after it is in the file
    rows = models.PositiveIntegerField()
    content = models.BinaryField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="export_file_by_organisation")]

    def __str__(self) -> str:
        return self.filename


class PackedAnswers(models.Model):
    """A recommendation's answers packed by its playbook's layout (``engine.packed``), beside it: the
    impact preview reads these bytes straight into numpy instead of decoding the snapshot's answers and
    encoding each one in Python (a million recommendations in seconds, not most of a minute).

    Written in the submit's transaction (one INSERT); ``pack_answers`` fills it for recommendations
    stored before it existed. A recommendation without a row (answers no layout holds exactly, or not
    filled yet), or whose row's layout is not its playbook's now, is read from its snapshot instead.
    Like the recommendation it is never updated."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, primary_key=True, related_name="packed_answers"
    )
    # The tenant, as on its recommendation (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    layout = models.CharField(max_length=16)  # the layout's digest: what ``data`` means
    data = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "recommendation"], name="packedanswers_by_org")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(layout__regex=r"^[0-9a-f]{16}$"), name="packed_answers_layout_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"Packed answers of recommendation {self.recommendation_id}"
