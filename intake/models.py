import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.choices import CachedChoiceLabels
from clinic.models import AuditedQuerySet, Client, User
from intake import labels, why_not
from intake.screening import CAUTION, CHILDBIRTH_WEEKS, CONTRAINDICATION, RED_FLAG, SURGERY_WEEKS, screen

PAIN_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]


class ClientRecord(CachedChoiceLabels, models.Model):
    """Something recorded about one client: named by a UUID, audited with the client's id."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    def get_additional_data(self):
        return {"client": str(self.client.public_id)}


class IntakeQuerySet(AuditedQuerySet):
    def for_client(self, client):
        return self.filter(client=client)

    def with_latest_screening(self):
        """Each intake with its `latest_screening` (ScreeningQuerySet.newest_first's first) joined in the same query;
        an intake never screened has no such attribute (Django sets none for a filtered relation that found no
        row)."""
        newest = Screening.objects.filter(intake=models.OuterRef("pk")).newest_first().values("pk")[:1]
        latest = models.FilteredRelation("screenings", condition=models.Q(screenings__pk=models.Subquery(newest)))
        return self.annotate(latest_screening=latest).select_related("latest_screening")

    def listed(self):
        """Newest first, as lists show them: when, who took them (by name), whether assessed; not the answers."""
        return (
            self.select_related("taken_by")
            .only("public_id", "client_id", "taken_at", "assessed_at", "taken_by_id", *User.name_fields("taken_by"))
            .order_by("-taken_at", "-id")
        )


class Intake(ClientRecord):
    """One intake: the client's complaints, what aggravates them, health history, red flags, and the assessment."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="intakes")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sex = models.CharField(_("sex"), max_length=1, choices=list(labels.SEXES.items()), blank=True)
    aggravating = models.JSONField(_("aggravating movements"), default=list, blank=True)
    history = models.JSONField(_("health history"), default=dict, blank=True)
    # Conditions, surgeries, medications, allergies, devices: the shape is in intake/health_history.py.
    health_history = models.JSONField(_("medical history"), default=dict, blank=True)
    red_flags = models.JSONField(_("red-flag answers"), default=dict, blank=True)
    tests = models.JSONField(_("assessment tests"), default=dict, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(_("anything else the therapist should know"), max_length=2000, blank=True)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["client", "-taken_at"], name="intake_client_taken_idx")]

    def __str__(self):
        return f"Intake of {self.client} on {local_time.day(self.taken_at)}"

    def get_absolute_url(self):
        return reverse("intake:intake-detail", kwargs={"public_id": self.public_id})

    @property
    def is_assessed(self) -> bool:
        return self.assessed_at is not None

    def answers(self, complaints=None) -> dict:
        """The answers in the screening engine's format (docs/screening.md), as they stand now."""
        complaints = self.complaints.current() if complaints is None else complaints
        answers = {
            "age": self.client.age_on(local_time.local_date(self.taken_at)),
            "complaints": [{"region": c.region, "side": c.side, "nprs": c.pain_now} for c in complaints],
            "aggravating": list(self.aggravating),
            "tests": dict(self.tests),
            "history": dict(self.history),
            "red_flags": dict(self.red_flags),
        }
        if self.sex:
            answers["sex"] = self.sex
        return answers


class ComplaintQuerySet(AuditedQuerySet):
    def current(self):
        return self.filter(removed_at__isnull=True).order_by("position", "id")


class Complaint(CachedChoiceLabels, models.Model):
    ONSETS = [(key, label) for key, label in labels.ONSETS.items() if key]

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="complaints")
    position = models.PositiveSmallIntegerField(default=0)
    region = models.CharField(_("where"), max_length=40, choices=list(labels.REGIONS.items()))
    side = models.CharField(_("side"), max_length=10, choices=list(labels.SIDES.items()))
    pain_now = models.PositiveSmallIntegerField(_("pain now (0-10)"), validators=PAIN_VALIDATORS)
    pain_worst = models.PositiveSmallIntegerField(
        _("worst pain (0-10)"), validators=PAIN_VALIDATORS, null=True, blank=True
    )
    onset = models.CharField(_("started"), max_length=10, choices=ONSETS, blank=True)
    # Taken off the intake on an edit: kept, never deleted, and no longer judged.
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.get_region_display()} ({self.get_side_display()}), {self.pain_now}/10"

    def get_additional_data(self):
        return {"client": str(self.intake.client.public_id)}


# An intake's answers, kept as JSON: what a screening's summary does not show.
INTAKE_ANSWER_FIELDS = ("aggravating", "history", "health_history", "red_flags", "tests", "notes")


class ScreeningQuerySet(AuditedQuerySet):
    def newest_first(self):
        """What "latest" means for screenings, everywhere: the last screened, the last saved among equals."""
        return self.order_by("-screened_at", "-id")

    def latest_for_intake(self, intake):
        return self.filter(intake=intake).newest_first().first()

    def latest_for_client(self, client, *, with_health_history=False):
        """The client's latest screening, with its intake and the visit check it came from, if any: not the answers
        they hold (read if asked for), but the intake's health history when asked."""
        deferred = [name for name in INTAKE_ANSWER_FIELDS if not (with_health_history and name == "health_history")]
        latest = (
            self.filter(intake__client=client)
            .select_related("intake", "health_check")
            .defer("answers", *(f"intake__{name}" for name in deferred))
            .newest_first()
            .first()
        )
        if latest is not None:
            latest.intake.client = client  # known: not read again with the screening
        return latest


class Screening(CachedChoiceLabels, models.Model):
    """The engine's judgement of one intake's answers at one moment, kept as it was (rules may change later)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="screenings")
    screened_at = models.DateTimeField(auto_now_add=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ruleset = models.CharField(max_length=20)
    answers = models.JSONField(help_text="The exact answers judged, in the engine's format.")
    iliopsoas = models.CharField(max_length=20, choices=list(labels.ILIOPSOAS.items()))
    abdominal_work = models.CharField(max_length=20, choices=list(labels.ABDOMINAL_WORK.items()))
    refer = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    # The points from which the ruleset considers iliopsoas work (its output's "threshold").
    threshold = models.PositiveSmallIntegerField(default=why_not.DEFAULT_THRESHOLD)
    reasons = models.JSONField(default=list)
    # The visit's health check this screening judged (the intake's answers updated by it); none: the intake's own.
    health_check = models.ForeignKey(
        "HealthCheck", on_delete=models.PROTECT, null=True, blank=True, related_name="screenings"
    )

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-screened_at", "-id"]

    def __str__(self):
        return f"Screening {self.ruleset} of {self.intake}"

    def get_additional_data(self):
        return {"client": str(self.intake.client.public_id)}

    @property
    def red_flag_rules(self) -> frozenset[str]:
        return frozenset(r["rule"] for r in self.reasons if r["rule"].startswith(f"{RED_FLAG}."))

    @property
    def source_label(self) -> str:
        """Where its answers come from, with the clinic's date: "intake of 2026-11-02", "visit check of ..."."""
        if self.health_check_id is not None:
            return _("visit check of %(day)s") % {"day": local_time.day(self.health_check.recorded_at)}
        return _("intake of %(day)s") % {"day": local_time.day(self.intake.taken_at)}

    def section_two(self) -> list[dict]:
        """The reasons of section 2 (abdominal contraindications and cautions): what applies to abdominal work once
        a physician's clearance that includes it is on file. Ruleset 2026.12 reports them under a red flag too; a
        screening judged by an older ruleset left them out under a red flag, so they are judged again from the
        answers it kept (its stored result is not changed)."""
        section = (f"{CONTRAINDICATION}.", f"{CAUTION}.")
        reasons = self.reasons
        if self.refer and self.ruleset < "2026.12":
            reasons = screen(self.answers)["reasons"]
        return [reason for reason in reasons if reason["rule"].startswith(section)]

    @property
    def points_line(self) -> str:
        """ "5 points of 4"."""
        return why_not.points_line(score=self.score, threshold=self.threshold)

    @property
    def why_not(self) -> str:
        """Why iliopsoas work is not considered ("3 points of 4; no major sign"); empty when it is."""
        return why_not.why_not_considered(
            iliopsoas=self.iliopsoas, score=self.score, threshold=self.threshold, reasons=self.reasons
        )

    @property
    def needs_therapist_review(self) -> bool:
        return not self.intake.is_assessed or self.iliopsoas == "consider" or self.abdominal_work != "ok"


class ClearanceScope(models.TextChoices):
    MASSAGE = "massage", _("massage, no abdominal work")
    INCLUDING_ABDOMINAL = "massage_abdominal", _("massage including abdominal work")


class PhysicianClearance(ClientRecord):
    """A physician's answer to the referral an intake's red flags raised: who, when, which red flags, what it
    permits (massage without or with abdominal work) and until when. It lifts the referral only for what it permits
    and only until its end date; contraindications from health answers are never lifted by it."""

    LETTER_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
    MAX_LETTER_BYTES = 10 * 1024 * 1024

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="clearances")
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="clearances")
    cleared_on = models.DateField(_("date of clearance"))
    clinician_name = models.CharField(_("physician's name"), max_length=200)
    clinician_practice = models.CharField(_("physician's clinic or licence number"), max_length=200, blank=True)
    scope = models.CharField(
        _("what it permits"), max_length=20, choices=ClearanceScope.choices, default=ClearanceScope.MASSAGE
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    what_was_cleared = models.TextField(_("the physician's words"), max_length=2000)
    red_flags_cleared = models.JSONField(default=list, help_text="The red-flag rules this clearance answers.")
    letter = models.FileField(_("scanned letter"), upload_to="clearances/%Y/%m/", blank=True)
    letter_content_type = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-cleared_on", "-id"]

    def __str__(self):
        return f"Clearance by {self.clinician_name} on {local_time.day(self.cleared_on)}"

    @property
    def includes_abdominal_work(self) -> bool:
        return self.scope == ClearanceScope.INCLUDING_ABDOMINAL

    def is_current(self, day) -> bool:
        """In force on the clinic's `day`: given by then, and not past its end date."""
        return self.cleared_on <= day and (self.valid_until is None or day <= self.valid_until)

    def resolves(self, screening_result: Screening) -> bool:
        """Whether it answers every red flag of that screening (of its intake); not whether it is current."""
        return screening_result.intake_id == self.intake_id and screening_result.red_flag_rules <= set(
            self.red_flags_cleared
        )


class HealthCheck(ClientRecord):
    """The short health check at the start of a visit, asked out loud: since the last visit, new or changed
    medication (anticoagulants named), surgery or procedure, childbirth, injury, pregnancy, new red-flag symptoms;
    and, on the day, menstruating today. It holds for its clinic day only: the gate never uses a previous day's."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="health_checks")
    visit_day = models.DateField(_("day of the visit"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    no_change = models.BooleanField(_("no change since the last visit"), default=False)
    medication = models.CharField(_("new or changed medication"), max_length=500, blank=True)
    anticoagulant = models.BooleanField(_("takes an anticoagulant (blood thinner) or has a bleeding disorder"))
    surgery = models.CharField(_("surgery or procedure since the last visit"), max_length=500, blank=True)
    abdominal_surgery_weeks_ago = models.PositiveSmallIntegerField(
        _("abdominal or pelvic surgery: how many weeks ago"), null=True, blank=True
    )
    childbirth_weeks_ago = models.PositiveSmallIntegerField(_("gave birth: how many weeks ago"), null=True, blank=True)
    caesarean = models.BooleanField(_("by caesarean section"), default=False)
    injury = models.CharField(_("injury since the last visit"), max_length=500, blank=True)
    pregnant = models.BooleanField(_("pregnant"))
    new_red_flags = models.JSONField(_("new symptoms"), default=list, blank=True)
    menstruating_today = models.BooleanField(_("menstruating today"), default=False)
    note = models.CharField(_("anything else"), max_length=500, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["client", "-visit_day", "-recorded_at"], name="health_check_client_day_idx")]

    def __str__(self):
        return f"Health check of {self.client} on {self.visit_day:%Y-%m-%d}"

    def get_additional_data(self):
        return {"client": str(self.client.public_id)}

    def answers_from(self, chart: dict) -> dict:
        """The chart's answers (the engine's format) updated by this check: what a new screening judges."""
        history = {**chart.get("history", {})}
        red_flags = {**chart.get("red_flags", {})}
        history["menstruating_today"] = self.menstruating_today  # holds for this day only, whatever the chart said
        if not self.no_change:
            history["anticoagulant_or_bleeding_disorder"] = self.anticoagulant
            history["pregnant"] = self.pregnant
            if self.abdominal_surgery_weeks_ago is not None:
                history[SURGERY_WEEKS] = self.abdominal_surgery_weeks_ago
            if self.childbirth_weeks_ago is not None:
                history[CHILDBIRTH_WEEKS] = self.childbirth_weeks_ago
                history["caesarean"] = self.caesarean
            for flag in self.new_red_flags:
                red_flags[flag] = True
        return {**chart, "history": history, "red_flags": red_flags}


class ClinicalJudgementQuerySet(AuditedQuerySet):
    def newest_first(self):
        return self.order_by("-recorded_at", "-id")

    def for_intake(self, intake):
        return self.filter(screening__intake=intake).select_related("recorded_by", "screening").newest_first()

    def for_intakes(self, intake_ids):
        return (
            self.filter(screening__intake_id__in=intake_ids).select_related("recorded_by", "screening").newest_first()
        )

    def for_client(self, client):
        return self.filter(client=client).select_related("recorded_by", "screening").newest_first()


class ClinicalJudgement(ClientRecord):
    """A care-team therapist's clinical judgement that differs from a screening's iliopsoas flag, with their reason.
    The screening itself is never changed. It holds for later screenings of the same intake while they give the
    flag it differs from (`applies_to`). Only the iliopsoas flag can be judged otherwise: a contraindication or a
    referral cannot (intake.services.record_clinical_judgement)."""

    MIN_REASON_LENGTH = 20

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="clinical_judgements")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="judgements")
    differs_from = models.CharField(
        _("the screening's flag"), max_length=20, choices=list(labels.ILIOPSOAS.items()), editable=False
    )
    judgement = models.CharField(_("clinical judgement"), max_length=20, choices=list(labels.JUDGEMENTS.items()))
    reason = models.TextField(_("reason"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicalJudgementQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"Clinical judgement on {self.screening}: {self.get_judgement_display()}"

    def applies_to(self, screening: Screening) -> bool:
        """Whether this judgement stands beside `screening`: the same intake, the flag it differs from unchanged,
        and, for a judgement to consider the work, no warning sign that the judged screening did not have (its own
        were answered by a physician's clearance when it was recorded)."""
        if screening.intake_id != self.screening.intake_id or screening.iliopsoas != self.differs_from:
            return False
        return self.judgement != "consider" or screening.red_flag_rules <= self.screening.red_flag_rules


def current_judgement(screening: Screening | None, judgements):
    """The newest of `judgements` that stands beside `screening` (None when none does)."""
    if screening is None:
        return None
    return next((j for j in judgements if j.applies_to(screening)), None)


from intake.client_form_models import ClientLink, ClientSubmission  # noqa: E402, F401
from intake.questionnaire_models import QuestionnaireResponse, describe_score  # noqa: E402, F401
