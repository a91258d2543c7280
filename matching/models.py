"""Match runs, their units of work, the matches they produce, and enterprises' feedback.

The work to do lives here first (MatchRun + MatchShard rows); Celery tasks only carry ids, so a
dead worker or a flushed Redis loses nothing: the sweeper re-enqueues unfinished shards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Each enterprise's list of recommended patents keeps its best this many.
TOP_PER_ENTERPRISE = 100
# Each library patent's list of likely takers keeps its best this many.
TOP_TAKERS = 50


class RunKind(models.TextChoices):
    FULL = "full", _("Full re-match")
    PATENT = "patent", _("One patent changed")
    PROFILE = "profile", _("One profile changed")
    TAKERS = "takers", _("One patent's likely takers")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchRun(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RunStatus.choices,
        default=RunStatus.PENDING,
        db_index=True,
    )
    subject_id = models.BigIntegerField(null=True, blank=True)  # the patent or enterprise
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    patents_count = models.PositiveIntegerField(_("patents"), default=0)
    profiles_count = models.PositiveIntegerField(_("profiles"), default=0)
    matches_count = models.PositiveIntegerField(_("matches"), default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        # PATENT / PROFILE runs double as the journal of changes that workers follow.
        indexes = [
            models.Index(fields=["kind", "created_at"], name="matchrun_journal_idx"),
            # When a patent's likely takers were last ranked, and whether that is under way.
            models.Index(fields=["subject_id", "kind"], name="matchrun_subject_idx"),
        ]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"


class MatchShard(models.Model):
    """A slice of enterprises of a run, small enough to finish well inside the broker's
    visibility timeout."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="shards")
    enterprise_ids = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    matches_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"shard {self.pk} of run {self.run_id}"


class ScoredPair(models.Model):
    """What the engine said of one (enterprise, patent) pair, and which run said it."""

    score = models.FloatField(_("score"))
    # [{"code": "shared_ipc", "params": {...}}, ...] rendered in the reader's language.
    reasons = models.JSONField(_("reasons"), default=list)
    # Indexed although no page or task reads pairs by run: deleting an old run
    # (services.prune_runs) nulls its pairs' run and PostgreSQL checks the foreign key, both by
    # looking the pairs up by run, which without the index is a scan of the whole table per
    # run. A run writes its pairs with one id, so the index deduplicates to a few pages per run.
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Match(ScoredPair):
    """One recommended library patent for one enterprise, with the reasons a person can read."""

    enterprise = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("enterprise"),
        db_index=False,  # match_list_order_idx leads with it
    )
    patent = models.ForeignKey(
        "patents.Patent",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("patent"),
        db_index=False,  # match_patent_score_idx leads with it
    )
    # The last entry of a full list (its TOP_PER_ENTERPRISE-th best): the bar a newly placed
    # patent must beat. Lists are ordered by score; positions are not stored, so placing a
    # patent changes a few rows per list instead of renumbering half of it.
    is_last = models.BooleanField(default=False)

    class Meta:
        ordering = ["enterprise", "-score", "pk"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "patent"], name="one_match_per_pair")
        ]
        indexes = [
            models.Index(fields=["patent", "-score"], name="match_patent_score_idx"),
            # Each list in order, with what re-ranking it reads: placing a patent re-ranks the
            # ~1,000 lists it joins from this index alone (an index-only scan), not from their
            # rows, whose reasons make them wide.
            models.Index(
                fields=["enterprise", "-score", "id"],
                include=["is_last"],
                name="match_list_order_idx",
            ),
            # The last entry of every full list: the bar a newly placed patent must beat, read
            # for all lists at once, again from the index alone.
            models.Index(
                fields=["enterprise"],
                include=["score", "patent"],
                condition=models.Q(is_last=True),
                name="match_list_bar_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.patent_id} ({self.score:.2f})"


class Taker(ScoredPair):
    """An enterprise likely to take up one library patent, on the engine's patent -> enterprise
    scale. Not the enterprises' own lists read the other way round: a patent can be an
    enterprise's best taker without being among that enterprise's best patents."""

    patent = models.ForeignKey(
        "patents.Patent",
        on_delete=models.CASCADE,
        related_name="takers",
        verbose_name=_("patent"),
        db_index=False,  # taker_patent_score_idx leads with it
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("enterprise"),
    )

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("likely taker")
        verbose_name_plural = _("likely takers")
        constraints = [
            models.UniqueConstraint(fields=["patent", "enterprise"], name="one_taker_per_pair")
        ]
        indexes = [models.Index(fields=["patent", "-score"], name="taker_patent_score_idx")]

    def __str__(self) -> str:
        return f"{self.patent_id} ← {self.enterprise_id} ({self.score:.2f})"


class MatchFeedback(models.Model):
    """An enterprise said a recommended patent is not relevant: a negative signal for matching."""

    enterprise = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="match_feedback"
    )
    patent = models.ForeignKey("patents.Patent", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "patent"], name="one_feedback_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ✗ {self.patent_id}"
