"""A client's treatment plan: goals, how often, and when to reassess. Each change is a new version; the latest is
the plan, the earlier ones stay as its history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.models import AuditedQuerySet, Client


class TreatmentPlanQuerySet(AuditedQuerySet):
    def current(self):
        """Each client's latest version only."""
        newer = TreatmentPlan.objects.filter(client_id=OuterRef("client_id"), pk__gt=OuterRef("pk"))
        return self.exclude(Exists(newer))

    def due_by(self, day):
        return self.filter(reassess_on__lte=day)


class TreatmentPlan(models.Model):
    class Per(models.TextChoices):
        WEEK = "week", _("per week")
        TWO_WEEKS = "two_weeks", _("every two weeks")
        MONTH = "month", _("per month")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="treatment_plans")
    goals = models.TextField(_("goals"), max_length=3000)
    visits = models.PositiveSmallIntegerField(_("visits"), null=True, blank=True)
    per = models.CharField(_("how often"), max_length=10, choices=Per.choices, blank=True)
    for_weeks = models.PositiveSmallIntegerField(_("for (weeks)"), null=True, blank=True)
    frequency_note = models.CharField(_("frequency, in words (optional)"), max_length=200, blank=True)
    reassess_on = models.DateField(_("reassessment date"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_by_name = models.CharField(max_length=301, blank=True)
    written_at = models.DateTimeField(auto_now_add=True)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")

    objects = TreatmentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["client", "-id"], name="plan_client_latest_idx")]

    def __str__(self):
        return f"Treatment plan of {self.client} ({local_time.day(self.written_at) if self.written_at else 'new'})"

    def get_additional_data(self):
        return {"client": str(self.client.public_id)}

    @property
    def frequency(self) -> str:
        """ "1 visit per week for 6 weeks", and the words if any."""
        parts = []
        if self.visits:
            count = _("%(n)s visit") if self.visits == 1 else _("%(n)s visits")
            parts.append(str(count % {"n": self.visits}))
        if self.per:
            parts.append(str(self.get_per_display()))
        if self.for_weeks:
            parts.append(str(_("for %(n)s weeks") % {"n": self.for_weeks}))
        text = " ".join(parts)
        if self.frequency_note:
            text = f"{text} ({self.frequency_note})" if text else self.frequency_note
        return text

    def is_due(self, today) -> bool:
        return self.reassess_on <= today

    @property
    def written_by_shown(self) -> str:
        return self.written_by_name or self.written_by.display_name

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A treatment plan is never edited: write a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Treatment plans are never deleted.")
