"""A treatment session and what is recorded in it: pain per complaint, stretches of abdominal work, the live
feedback entries, and addenda once signed. A signed session is read-only, in the app and in the database."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.choices import CachedChoiceLabels
from clinic.models import AuditedQuerySet, Client, User
from intake.models import Complaint, Intake

PAIN = [MinValueValidator(0), MaxValueValidator(10)]
PRESSURE = [MinValueValidator(1), MaxValueValidator(5)]


class SignedSessionIsReadOnly(Exception):
    """Raised by any attempt to change a signed session or anything recorded in it."""


class SessionQuerySet(AuditedQuerySet):
    def for_client(self, client):
        return self.filter(client=client)

    def drafts(self):
        return self.filter(status=TreatmentSession.Status.DRAFT)

    def signed(self):
        return self.filter(status=TreatmentSession.Status.SIGNED)

    def by(self, therapist):
        return self.filter(therapist=therapist)

    def listed(self):
        """Newest first, as lists show them: when, by whom (by name), draft or signed; not the note. With the
        values frozen at signing (`signed_as`), so a signed session is listed as its note shows it
        (`therapist_name_shown`, its complaints' regions), whatever changed in the accounts or the intake since."""
        return (
            self.select_related("therapist")
            .only(
                "public_id",
                "client_id",
                "started_at",
                "status",
                "signed_as",
                "therapist_id",
                *User.name_fields("therapist"),
            )
            .order_by("-started_at", "-id")
        )


class TreatmentSession(CachedChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="sessions")
    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions")
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Optimistic locking: every save of a draft bumps it; a form posted with an older one is refused.
    version = models.PositiveIntegerField(default=1)
    subjective = models.TextField(_("subjective (what the client reports)"), max_length=5000, blank=True)
    objective = models.TextField(_("objective findings"), max_length=5000, blank=True)
    objective_tests = models.JSONField(default=dict, blank=True)
    assessment = models.TextField(_("assessment"), max_length=5000, blank=True)
    plan = models.TextField(_("plan"), max_length=5000, blank=True)
    home_care = models.TextField(_("home care"), max_length=5000, blank=True)
    abdominal_planned = models.BooleanField(_("abdominal (iliopsoas) work planned"), default=False)
    signed_at = models.DateTimeField(null=True, blank=True)
    # What the note shows that lives elsewhere (the client's and therapist's names, the complaints' labels, the
    # screening), as it was when signed: a signed note shows these, never today's values (notes/hashing.py).
    signed_as = models.JSONField(default=dict, blank=True)
    # The seal of the signed note: HMAC-SHA256 under the key named by hash_key_id ("": a plain SHA-256 from
    # before keyed seals, which verify_notes reports).
    content_hash = models.CharField(max_length=64, blank=True)
    hash_key_id = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-started_at"], name="session_client_started_idx"),
            models.Index(fields=["therapist", "status", "started_at"], name="session_therapist_status_idx"),
            # The retention date's latest change to a client's sessions: one index entry, not every session.
            models.Index(fields=["client", "updated_at"], name="session_client_updated_idx"),
        ]

    def __str__(self):
        return f"Session of {self.client} on {local_time.day(self.started_at)}"

    def get_absolute_url(self):
        return reverse("notes:session-detail", kwargs={"public_id": self.public_id})

    def get_additional_data(self):
        return {"client": str(self.client.public_id)}

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    @property
    def frozen(self) -> dict:
        """The values frozen when it was signed; empty for a draft (it shows today's)."""
        return self.signed_as if self.is_signed else {}

    @property
    def client_name_shown(self) -> str:
        return self.frozen.get("client_display_name") or self.client.display_name

    @property
    def therapist_name_shown(self) -> str:
        return self.frozen.get("therapist_name") or self.therapist.display_name

    def complaint_as_signed(self, complaint_id: int) -> dict | None:
        """A complaint's region and side (codes and labels) as the signed note shows them; None for a draft, or a
        note signed before the complaints were kept with it (each shows today's)."""
        return self.frozen.get("complaints", {}).get(str(complaint_id))

    @property
    def screening_shown(self) -> dict | None:
        """The screening's line shown while the note was written, as signed ({"level", "line"}); None for a draft
        (its page shows today's) or a note signed before it was kept."""
        return self.frozen.get("screening")

    def save(self, *args, **kwargs):
        if self.pk is not None and TreatmentSession.objects.filter(pk=self.pk, status=self.Status.SIGNED).exists():
            raise SignedSessionIsReadOnly("This session is signed: correct it with an addendum.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedSessionIsReadOnly("Treatment sessions are never deleted.")


class PartOfSession(CachedChoiceLabels, models.Model):
    """A row recorded within a session: read-only once the session is signed, never deleted."""

    class Meta:
        abstract = True

    def get_additional_data(self):
        return {"client": str(self.session.client.public_id)}

    def save(self, *args, **kwargs):
        if TreatmentSession.objects.filter(pk=self.session_id, status=TreatmentSession.Status.SIGNED).exists():
            raise SignedSessionIsReadOnly("This session is signed: correct it with an addendum.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedSessionIsReadOnly("Records of a session are never deleted.")


class ComplaintPainQuerySet(AuditedQuerySet):
    def with_region(self):
        """The ratings alone, each with its complaint's `region` code today (not the complaint): as a list of
        sessions shows them, in the complaints' order (a signed session's list shows the region it was signed
        with: TreatmentSession.complaint_as_signed)."""
        return self.annotate(region=models.F("complaint__region")).only("session_id", "complaint_id", "before", "after")


class ComplaintPain(PartOfSession):
    """Pain for one complaint of the intake, before and after the session."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="pains")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="session_pains")
    before = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN)
    after = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN)

    objects = ComplaintPainQuerySet.as_manager()

    class Meta:
        ordering = ["complaint__position", "complaint_id"]
        constraints = [models.UniqueConstraint(fields=["session", "complaint"], name="one_pain_row_per_complaint")]

    def __str__(self):
        return f"{self.complaint}: {self.before} → {self.after}"

    @property
    def complaint_shown(self) -> dict:
        """The complaint's region and side (codes and labels): as signed, or today's for a draft."""
        frozen = self.session.complaint_as_signed(self.complaint_id)
        if frozen:
            return frozen
        complaint = self.complaint
        return {
            "region": complaint.region,
            "region_label": complaint.get_region_display(),
            "side": complaint.side,
            "side_label": complaint.get_side_display(),
        }


def _refused_unless_gate_passes(record, *, opening: bool) -> None:
    """The models refuse what the gate refuses, whatever code saves them (a shell, a script, the admin): a new
    stretch or feedback entry is checked by the gate (notes.gate) unless the service that made it has just done so
    (`gate_passed`: the state it checked)."""
    if not record._state.adding or getattr(record, "gate_passed", None) is not None:
        return
    from notes.gate import RECONFIRMATION, AbdominalWorkRefused, Unmet, check_abdominal_work  # the gate reads these

    if opening:
        check_abdominal_work(
            record.session,
            opening=True,
            reconfirmed_now=record.reconfirmed_at is not None,
            precautions_reviewed=bool(record.precautions_reviewed),
        )
        return
    state = check_abdominal_work(record.session)
    if state.open_segment.pk != record.segment_id:
        raise AbdominalWorkRefused(
            [Unmet(RECONFIRMATION, _("This stretch of abdominal work is closed."), _("Open a new one."), "")]
        )


class AbdominalSegment(PartOfSession):
    """A stretch of abdominal work, opened by the client's verbal re-confirmation and closed by a stop,
    a withdrawal of consent, or the therapist. A new one is refused unless the gate lets it through."""

    class EndReason(models.TextChoices):
        STOP = "stop", _("Client said stop")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")
        FINISHED = "finished", _("Finished by the therapist")

    class Position(models.TextChoices):
        SUPINE_KNEES_BENT = "supine_knees_bent", _("Supine, knees bent")
        SUPINE = "supine", _("Supine, legs straight")
        SIDE_LYING = "side_lying", _("Side-lying")
        OTHER = "other", _("Other")

    class Approach(models.TextChoices):
        PSOAS_ABDOMINAL_WALL = "psoas_abdominal_wall", _("Psoas via the abdominal wall")
        ILIACUS_ILIAC_FOSSA = "iliacus_iliac_fossa", _("Iliacus along the iliac fossa")
        PSOAS_WITH_HIP_FLEXION = "psoas_hip_flexion", _("Psoas with active hip flexion")
        OTHER = "other", _("Other")

    class Landmark(models.TextChoices):
        LATERAL_TO_RECTUS = "lateral_rectus", _("Lateral to rectus abdominis")
        ASIS_ILIAC_FOSSA = "asis_iliac_fossa", _("Medial to the ASIS, into the iliac fossa")
        UMBILICUS_LEVEL = "umbilicus_level", _("Level of the umbilicus")
        INGUINAL_LIGAMENT = "inguinal_ligament", _("Above the inguinal ligament")
        OTHER = "other", _("Other")

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="segments")
    # How the stretch was worked, chosen when it opens or while it is open; optional. Nullable columns with no
    # default, so SQLite adds them in place and keeps migration 0004's triggers on the table.
    position = models.CharField(_("position"), max_length=30, choices=Position.choices, null=True, blank=True)
    approach = models.CharField(_("approach"), max_length=30, choices=Approach.choices, null=True, blank=True)
    landmark = models.CharField(_("landmark"), max_length=30, choices=Landmark.choices, null=True, blank=True)
    reconfirmed_at = models.DateTimeField(default=timezone.now)
    reconfirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    precautions_reviewed = models.JSONField(default=list, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["reconfirmed_at", "id"]

    def __str__(self):
        return f"Abdominal work from {local_time.minute(self.reconfirmed_at)}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def details_shown(self) -> str:
        """Position, approach and landmark, in words, those recorded only ("" when none)."""
        chosen = [
            (self.position, self.get_position_display),
            (self.approach, self.get_approach_display),
            (self.landmark, self.get_landmark_display),
        ]
        return "; ".join(str(label()) for value, label in chosen if value)

    def save(self, *args, **kwargs):
        _refused_unless_gate_passes(self, opening=True)
        super().save(*args, **kwargs)


class FeedbackEntry(PartOfSession):
    class Technique(models.TextChoices):
        SUSTAINED_PRESSURE = "sustained_pressure", _("Sustained pressure")
        PIN_AND_STRETCH = "pin_and_stretch", _("Pin-and-stretch with active hip extension")
        BREATHING_RELEASE = "breathing_release", _("Breathing-paced release")
        CROSS_FIBRE = "cross_fibre", _("Gentle cross-fibre")
        OTHER = "other", _("Other")

    class Response(models.TextChoices):
        COMFORTABLE = "comfortable", _("Comfortable")
        TENDER = "tender", _("Tender")
        REFERRED = "referred", _("Referred sensation")
        TOO_MUCH = "too_much", _("Too much")
        STOP = "stop", _("Stop")

    class Side(models.TextChoices):
        LEFT = "left", _("Left")
        RIGHT = "right", _("Right")
        BOTH = "both", _("Both")

    class Breath(models.TextChoices):
        EXHALE = "exhale", _("Exhale")
        INHALE = "inhale", _("Inhale")
        HOLD = "hold", _("Breath held")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="entries")
    segment = models.ForeignKey(AbdominalSegment, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField(default=timezone.now)
    side = models.CharField(max_length=10, choices=Side.choices)
    technique = models.CharField(max_length=30, choices=Technique.choices)
    pressure = models.PositiveSmallIntegerField(validators=PRESSURE)
    pain = models.PositiveSmallIntegerField(validators=PAIN)
    response = models.CharField(max_length=20, choices=Response.choices)
    note = models.CharField(max_length=500, blank=True)
    # Optional extras of an entry (never required, never pre-selected); nullable so SQLite adds them in place.
    breath_phase = models.CharField(_("breath phase"), max_length=10, choices=Breath.choices, null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(
        _("hold (seconds)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    # The form's one-time token: the same form posted twice makes one entry.
    token = models.UUIDField()

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "token"], name="one_entry_per_form_token")]
        # The session page reads the newest entries of one session a window at a time (notes/timeline.py).
        indexes = [models.Index(fields=["session", "at", "id"], name="entry_session_time_idx")]

    def __str__(self):
        return f"{local_time.clock(self.at)} pressure {self.pressure}, pain {self.pain}, {self.get_response_display()}"

    def save(self, *args, **kwargs):
        _refused_unless_gate_passes(self, opening=False)
        super().save(*args, **kwargs)


class Addendum(models.Model):
    """A correction or addition to a signed session. Never edited, never deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300)
    text = models.TextField(_("text"), max_length=5000)
    # The author's name as it was written, and the seal chained to the note's (notes/hashing.py).
    author_name = models.CharField(max_length=301, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    hash_key_id = models.CharField(max_length=20, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum by {self.author} on {local_time.day(self.at)}"

    def get_additional_data(self):
        return {"client": str(self.session.client.public_id)}

    @property
    def author_name_shown(self) -> str:
        return self.author_name or self.author.display_name

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SignedSessionIsReadOnly("An addendum is never edited: add another one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedSessionIsReadOnly("Addenda are never deleted.")
