"""What is done to a client's whole record: its disposal after the retention date, and its PDF exports."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.choices import CachedChoiceLabels
from clinic.models import AuditedQuerySet, Client


class RecordDisposal(CachedChoiceLabels, models.Model):
    """The disposal of a client's clinical record once its retention date has passed.

    One clinic admin requests it with a reason; a different clinic admin approves it, and in that same transaction
    the clinical rows are deleted (notes.disposal). This row stays as the trace of what was done, without any
    clinical content: who asked, who approved, when, and how many rows of each kind went.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting a second clinic admin")
        # Only ever seen inside the approving transaction: the database triggers let deletes through then.
        APPROVED = "approved", _("Approved, being carried out")
        CARRIED_OUT = "carried_out", _("Carried out")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="disposals")
    reason = models.CharField(_("reason"), max_length=500)
    keep_until = models.DateField(help_text="The retention date when the disposal was requested.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text="Rows deleted, per kind of record.")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status__in=["requested", "approved"]),
                name="one_open_disposal_per_client",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved", decided_by=models.F("requested_by"))
                & ~models.Q(status="carried_out", decided_by=models.F("requested_by")),
                name="disposal_approved_by_a_second_admin",
            ),
        ]

    def __str__(self):
        return f"Disposal of the record of {self.client} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("notes:disposal-detail", kwargs={"public_id": self.public_id})

    def get_additional_data(self):
        return {"client": str(self.client.public_id)}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.REQUESTED


class RecordExport(CachedChoiceLabels, models.Model):
    """A PDF of a large client record, rendered off the request path (notes/export_jobs.py) and kept an hour for
    the person who asked for it. A convenience copy, not a record: it is deleted when it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="record_exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sessions = models.PositiveIntegerField(default=0)
    base_url = models.CharField(max_length=300, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "client", "-requested_at"], name="export_requester_idx"),
            models.Index(fields=["status", "requested_at"], name="export_status_idx"),
        ]

    def __str__(self):
        return f"PDF of {self.client} for {self.requested_by} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("notes:record-export", kwargs={"public_id": self.public_id})
