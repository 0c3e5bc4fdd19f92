"""What else a session records: the areas treated and their techniques, the moments a pulse was felt under the
hands during abdominal work, and adverse effects after treatment (on the draft, or reported at a later visit)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.models import AuditedQuerySet
from notes.models.sessions import AbdominalSegment, PartOfSession, SignedSessionIsReadOnly, TreatmentSession


class Technique(models.TextChoices):
    """The techniques of an area treated: a short vocabulary, "other" named in the area's note."""

    SWEDISH = "swedish", _("Swedish / effleurage")
    PETRISSAGE = "petrissage", _("Petrissage")
    MYOFASCIAL = "myofascial", _("Myofascial release")
    TRIGGER_POINT = "trigger_point", _("Trigger point")
    MUSCLE_ENERGY = "muscle_energy", _("Muscle energy technique")
    STRETCHING = "stretching", _("Stretching")
    ILIOPSOAS_RELEASE = "iliopsoas_release", _("Iliopsoas release (abdominal)")
    OTHER = "other", _("Other")


class AreaTreated(PartOfSession):
    """One area treated in a session and the techniques used on it, recorded with the SOAP note. A draft's areas
    are written again whole each time the note is saved; a signed session's are read-only."""

    class Area(models.TextChoices):
        HEAD_NECK = "head_neck", _("Head and neck")
        SHOULDER = "shoulder", _("Shoulder")
        UPPER_BACK = "upper_back", _("Upper back")
        LOW_BACK = "low_back", _("Low back")
        ARM_HAND = "arm_hand", _("Arm and hand")
        CHEST = "chest", _("Chest wall")
        BREAST = "breast", _("Breast (at the client's request)")
        ABDOMEN = "abdomen", _("Abdomen")
        GLUTEALS = "gluteals", _("Gluteals")
        HIP = "hip", _("Hip (side and back)")
        FRONT_HIP = "front_hip", _("Front of the hip / upper inner thigh")
        THIGH = "thigh", _("Thigh")
        LOWER_LEG_FOOT = "lower_leg_foot", _("Lower leg and foot")
        OTHER = "other", _("Other")

    class Side(models.TextChoices):
        LEFT = "left", _("Left")
        RIGHT = "right", _("Right")
        BOTH = "both", _("Both")
        CENTRAL = "central", _("Central")

    # The sensitive area (notes.models.SensitiveArea) an area treated reaches: charted only when the client agrees.
    SENSITIVE = {
        Area.ABDOMEN: "abdomen",
        Area.FRONT_HIP: "front_hip",
        Area.GLUTEALS: "gluteal",
        Area.CHEST: "chest_wall",
        Area.BREAST: "breast",
    }

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="areas")
    position = models.PositiveSmallIntegerField(default=0)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices, blank=True)
    techniques = models.JSONField(_("techniques"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "areas treated"

    def __str__(self):
        return f"{self.get_area_display()}: {', '.join(self.technique_labels)}"

    @property
    def technique_labels(self) -> list[str]:
        labels = dict(Technique.choices)
        return [str(labels.get(code, code)) for code in self.techniques]

    def delete(self, *args, **kwargs):
        """A draft's areas are replaced when its note is saved; a signed session's never change."""
        if TreatmentSession.objects.filter(pk=self.session_id, status=TreatmentSession.Status.SIGNED).exists():
            raise SignedSessionIsReadOnly("This session is signed: correct it with an addendum.")
        return models.Model.delete(self, *args, **kwargs)


class PulseEvent(PartOfSession):
    """ "Pulse felt, hands moved": the therapist felt a pulse under their hands during abdominal work and moved them
    off the artery. An event of its own on the timeline (in red), one tap while a stretch is open."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="pulses")
    segment = models.ForeignKey(AbdominalSegment, on_delete=models.PROTECT, related_name="pulses")
    at = models.DateTimeField(default=timezone.now)
    # The button's one-time token: the same tap sent twice makes one event.
    token = models.UUIDField()

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "token"], name="one_pulse_event_per_token")]

    def __str__(self):
        return f"Pulse felt, hands moved at {local_time.clock(self.at)}"


class AdverseEffect(models.Model):
    """An adverse effect after treatment. Recorded on the draft by its therapist (then part of the signed note and
    its seal), or reported later against the signed session by a care-team therapist: a record of its own beside
    the note, like an addendum, never an edit of it. Never changed, never deleted."""

    class Kind(models.TextChoices):
        BRUISING = "bruising", _("Bruising")
        SORENESS = "soreness_48h", _("Soreness beyond 48 hours")
        NAUSEA = "nausea", _("Nausea")
        DIZZINESS = "dizziness", _("Dizziness")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="adverse_effects")
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    onset_on = models.DateField(_("onset (date, if known)"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_by_name = models.CharField(max_length=301, blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    # False: recorded on the draft, part of the signed note. True: reported after signing, beside the note.
    reported_later = models.BooleanField(default=False)
    # A later report's own seal, over its content and the note's seal (notes/hashing.py); "" for one in the note.
    content_hash = models.CharField(max_length=64, blank=True)
    hash_key_id = models.CharField(max_length=20, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["reported_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} reported {local_time.day(self.reported_at)}"

    def get_additional_data(self):
        return {"client": str(self.session.client.public_id)}

    @property
    def reported_by_shown(self) -> str:
        return self.reported_by_name or self.reported_by.display_name

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SignedSessionIsReadOnly("An adverse effect is never edited: record another one.")
        if (
            not self.reported_later
            and TreatmentSession.objects.filter(pk=self.session_id, status=TreatmentSession.Status.SIGNED).exists()
        ):
            raise SignedSessionIsReadOnly("This session is signed: report the adverse effect as a later report.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedSessionIsReadOnly("Adverse effects are never deleted.")
