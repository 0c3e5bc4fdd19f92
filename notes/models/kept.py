"""Summaries kept for the history page when a session is signed: each complaint's outcome and its ratings per
period. Derived from the signed ratings, which never change."""

from django.db import models

from clinic import local_time
from intake.models import Complaint


class ComplaintOutcome(models.Model):
    """What a complaint's outcome needs of the client's signed sessions, kept when a session is signed (notes.history
    .refresh_outcomes), so the history page reads one row per complaint however long the course: the first and the
    latest rating taken before a session (each with the moment the session started) and the number of rated
    sessions. With the intakes' ratings they give the baseline and the current rating (notes/outcomes.py); ratings
    after a session never count. Worked out again by a data migration whenever what an outcome is changes.

    Derived from the signed pain ratings, which never change: not audited itself (the ratings are)."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, primary_key=True, related_name="outcome")
    first_before = models.PositiveSmallIntegerField(null=True)
    first_at = models.DateTimeField(null=True)
    latest_before = models.PositiveSmallIntegerField(null=True)
    latest_before_at = models.DateTimeField(null=True)
    rated = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Outcome of complaint {self.complaint_id}: {self.rated} rated sessions"


class ComplaintPeriodMean(models.Model):
    """A complaint's signed ratings over one week, month, quarter or year (in the clinic's time zone), summed and
    counted when a session is signed (notes.history.refresh_outcomes): the pain chart of a long course reads one
    row per period, however many sessions it holds. Derived from the signed ratings: not audited itself."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="period_means")
    kind = models.CharField(max_length=8)  # week, month, quarter or year
    first_at = models.DateTimeField()  # the period's first rated session
    before_total = models.PositiveIntegerField(default=0)
    before_count = models.PositiveIntegerField(default=0)
    after_total = models.PositiveIntegerField(default=0)
    after_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["complaint", "kind"], name="period_mean_complaint_kind_idx")]

    def __str__(self):
        return f"{self.kind} from {local_time.day(self.first_at)} of complaint {self.complaint_id}"
