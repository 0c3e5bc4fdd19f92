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
    ABDOMINAL = "abdominal", _("Sensitive areas (abdomen, hip, gluteal, chest)")


class SensitiveArea(models.TextChoices):
    """The sensitive areas a consent names one by one, each agreed or not (the regulator's list, and the clinic's)."""

    ABDOMEN = "abdomen", _("Abdomen")
    FRONT_HIP = "front_hip", _("Front of the hip and upper inner thigh")
    GLUTEAL = "gluteal", _("Gluteal region")
    CHEST_WALL = "chest_wall", _("Chest wall")
    BREAST = "breast", _("Breast")


# What an abdominal consent signed before areas were asked one by one covered: its text named the lower abdomen,
# the front of the hip and the upper inner thigh.
LEGACY_ABDOMINAL_AREAS = frozenset({SensitiveArea.ABDOMEN, SensitiveArea.FRONT_HIP})


class SignedBy(models.TextChoices):
    CLIENT = "client", _("The client")
    SDM = "sdm", _("A substitute decision-maker")


class SdmAuthority(models.TextChoices):
    """Who may decide for a client who cannot, in the order of Ontario's Health Care Consent Act (s. 20)."""

    GUARDIAN = "guardian", _("Guardian of the person")
    ATTORNEY = "attorney", _("Attorney for personal care")
    BOARD_REPRESENTATIVE = "board_representative", _("Representative appointed by the Consent and Capacity Board")
    SPOUSE_PARTNER = "spouse_partner", _("Spouse or partner")
    PARENT = "parent", _("Parent (or child) with custody, or a children's aid society")
    PARENT_ACCESS = "parent_access", _("Parent with a right of access only")
    SIBLING = "sibling", _("Brother or sister")
    RELATIVE = "relative", _("Another relative")
    PUBLIC_GUARDIAN = "public_guardian", _("Public Guardian and Trustee")
    OTHER = "other", _("Other (say which in the relationship)")


class ClientAssent(models.TextChoices):
    YES = "yes", _("Yes, the client agrees")
    NO = "no", _("No, the client does not agree")
    NOT_ABLE = "not_able", _("The client is not able to say")


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

    def latest_of_each_kind(self, client) -> dict[str, "Consent"]:
        """The client's latest consent of each kind (withdrawn or not), with its text: one query."""
        latest = {}
        for consent in self.filter(client=client).select_related("text").order_by("-signed_at", "-id"):
            latest.setdefault(consent.kind, consent)
        return latest

    def in_force_per_area(self, client, *, latest: dict | None = None) -> dict[str, "Consent"]:
        """Each sensitive area the client agrees to now, and the consent that says so: their latest consent of
        each kind, if active (the newer one where both name an area). `latest`: `latest_of_each_kind`, when the
        caller has read it."""
        latest = self.latest_of_each_kind(client) if latest is None else latest
        in_force = {}
        for consent in sorted(latest.values(), key=lambda c: (c.signed_at, c.pk), reverse=True):
            for area in consent.agreed_areas if consent.is_active else ():
                in_force.setdefault(area, consent)
        return in_force

    def agreed_areas(self, client) -> set[str]:
        """The sensitive areas the client agrees to now: those of their latest consent of each kind, if active."""
        return set(self.in_force_per_area(client))

    def not_agreed(self, client, treated_areas) -> set[str]:
        """Of these areas treated (AreaTreated.Area codes), the sensitive ones the client does not agree to now.
        Reads the consents only when a sensitive area is among them."""
        from notes.models.treatment import AreaTreated

        sensitive = {area for area in treated_areas if area in AreaTreated.SENSITIVE}
        if not sensitive:
            return set()
        agreed = self.agreed_areas(client)
        return {area for area in sensitive if AreaTreated.SENSITIVE[area] not in agreed}

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
    # The agreed sensitive areas' codes (SensitiveArea); None on a consent signed before they were asked one by one.
    areas = models.JSONField(null=True, blank=True)
    support_person_offered = models.BooleanField(_("a support person was offered"), null=True)
    support_person_present = models.BooleanField(_("a support person was present"), default=False)
    signed_by = models.CharField(_("who signs"), max_length=10, choices=SignedBy.choices, default=SignedBy.CLIENT)
    sdm_name = models.CharField(_("substitute decision-maker's full name"), max_length=200, blank=True)
    sdm_relationship = models.CharField(_("relationship to the client"), max_length=200, blank=True)
    sdm_authority = models.CharField(_("authority"), max_length=30, choices=SdmAuthority.choices, blank=True)
    client_assent = models.CharField(
        _("the client's own assent"), max_length=10, choices=ClientAssent.choices, blank=True
    )
    client_assent_note = models.CharField(_("note on the client's assent"), max_length=500, blank=True)
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

    @property
    def agreed_areas(self) -> frozenset[str]:
        if self.areas is None:
            return LEGACY_ABDOMINAL_AREAS if self.kind == ConsentKind.ABDOMINAL else frozenset()
        return frozenset(self.areas)

    @property
    def asks_areas(self) -> bool:
        return self.areas is not None

    def area_choices(self) -> list[tuple[str, str, bool]]:
        """Each sensitive area, its label and whether it is agreed: what the consent page and exports show."""
        agreed = self.agreed_areas
        return [(code, label, code in agreed) for code, label in SensitiveArea.choices]

    @property
    def signed_by_sdm(self) -> bool:
        return self.signed_by == SignedBy.SDM
