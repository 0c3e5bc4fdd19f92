"""Consent: the versioned wording of each kind, and what each client signed (and withdrew)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.choices import CachedChoiceLabels
from clinic.models import AuditedQuerySet, Client


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", _("General treatment")
    ABDOMINAL = "abdominal", _("Abdominal / iliopsoas work")


class ConsentTextQuerySet(models.QuerySet):
    def current(self, kind: str):
        return self.filter(kind=kind).order_by("-version").first()


class ConsentText(CachedChoiceLabels, models.Model):
    """One version of the consent wording of a kind. A version is never edited: a change is a new version."""

    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="consent_text_kind_version")]

    def __str__(self):
        return f"{self.get_kind_display()}, version {self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A consent text is never edited once published: add a new version.")
        super().save(*args, **kwargs)


class ConsentQuerySet(AuditedQuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def latest_for(self, client, kind: str):
        return self.filter(client=client, kind=kind).select_related("text").order_by("-signed_at", "-id").first()

    def latest_per_kind(self, client) -> dict:
        """The client's latest consent of each kind, as its status shows it (not the signed text or the drawn
        signature), with its text's version and `current_text_id`, the current version of that kind's text.

        Reads the client's consents newest first and keeps the first of each kind: a client signs a few (two
        kinds, again when the wording changes), and this costs half what a "latest of its kind" subquery does."""
        current = ConsentText.objects.filter(kind=OuterRef("kind")).order_by("-version")
        consents = (
            self.filter(client=client)
            .select_related("text")
            .only("public_id", "client_id", "kind", "signed_at", "withdrawn_at", "text__kind", "text__version")
            .annotate(current_text_id=Subquery(current.values("pk")[:1]))
            .order_by("-signed_at", "-id")
        )
        latest = {}
        for consent in consents:
            if consent.kind not in latest:
                consent.client = client  # known: not read again for the audit entry
                latest[consent.kind] = consent
        return latest


class Consent(CachedChoiceLabels, models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    signed_name = models.CharField(_("signature (full name)"), max_length=200)
    signature_drawing = models.TextField(blank=True, help_text="Optional drawn signature, as a PNG data URL.")
    signed_at = models.DateTimeField(default=timezone.now)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason (optional)"), max_length=500, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["client", "kind", "-signed_at"], name="consent_client_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} consent of {self.client} ({local_time.day(self.signed_at)})"

    def get_absolute_url(self):
        return reverse("notes:consent-detail", kwargs={"public_id": self.public_id})

    def get_additional_data(self):
        return {"client": str(self.client.public_id)}

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
