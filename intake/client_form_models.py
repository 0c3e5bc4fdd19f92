"""The client's own forms: the link staff give a client, and what the client sends through it.

Imported by intake/models.py. Only the SHA-256 of a link's token is kept: the link itself is shown once, when made.
What a client sends waits as a `ClientSubmission` until staff accept it (it then updates the client's details and
becomes an intake, screened like any other) or decline it with a reason; nothing of it changes the chart by itself.
"""

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.models import AuditedQuerySet, Client

# 16 random bytes: 128 bits, 22 characters in the URL.
TOKEN_BYTES = 16


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ClientLinkQuerySet(AuditedQuerySet):
    def for_client(self, client):
        return self.filter(client=client)

    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())

    def find(self, token: str):
        """The link this token opens, whether or not it may still be used; None for any other string. The hashes
        are compared in constant time, and a miss costs the same comparison (against a hash of nothing)."""
        wanted = hash_token(token)
        link = self.select_related("client").filter(token_hash=wanted).first()
        found = hmac.compare_digest(link.token_hash if link else hash_token(""), wanted)
        return link if found else None


class ClientLink(models.Model):
    """A link for one client to fill in their forms: works once, until it expires."""

    class Via(models.TextChoices):
        LINK = "link", _("link (QR code, printed or e-mailed)")
        TABLET = "tablet", _("clinic tablet")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="form_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.LINK)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The questionnaires staff chose for the client (their instruments' codes); filled in at the clinic for now.
    instruments = models.JSONField(default=list, blank=True)
    emailed_to = models.EmailField(max_length=254, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = ClientLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Forms link for {self.client} made on {local_time.day(self.created_at)}"

    def get_additional_data(self):
        return {"client": str(self.client.public_id)}

    hash_of = staticmethod(hash_token)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(TOKEN_BYTES)

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not (self.is_used or self.is_expired)


class ClientSubmissionQuerySet(AuditedQuerySet):
    def for_client(self, client):
        return self.filter(client=client)

    def pending(self):
        return self.filter(status=ClientSubmission.Status.SUBMITTED)


class ClientSubmission(models.Model):
    """What a client sent through their link, waiting for staff to accept or decline it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted by the client")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="form_submissions")
    link = models.OneToOneField(ClientLink, on_delete=models.PROTECT, related_name="submission")
    submitted_at = models.DateTimeField(default=timezone.now)
    # {"contact": {field: value}, "intake": {the intake service's fields}}: the shape of intake/client_form_views.py.
    data = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(max_length=1000, blank=True)
    # The intake the accepted answers became.
    intake = models.OneToOneField(
        "intake.Intake", on_delete=models.PROTECT, null=True, blank=True, related_name="client_submission"
    )

    objects = ClientSubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"Forms sent by {self.client} on {local_time.day(self.submitted_at)}"

    def get_absolute_url(self):
        return reverse("intake:submission-review", kwargs={"public_id": self.public_id})

    def get_additional_data(self):
        return {"client": str(self.client.public_id)}

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.SUBMITTED
