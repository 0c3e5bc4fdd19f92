"""The client's agreement, at this visit, to each sensitive area before it is treated: initials on the tablet (typed
or drawn), or for the areas the province's rules let be confirmed out loud, the therapist's record of the verbal
agreement. Part of the session: frozen with it once signed, never deleted."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.models import AuditedQuerySet
from notes.models.consents import Consent, SensitiveArea
from notes.models.sessions import PartOfSession, SignedSessionIsReadOnly, TreatmentSession


def verbal_enough(area: str) -> bool:
    """Whether the province's rules (settings.CONSENT_PROVINCE_RULES) let this area be confirmed at a visit out
    loud, recorded by the therapist, rather than by the client's initials: Ontario's gluteal region (written once,
    verbal each visit), British Columbia's areas (documented verbal consent). The clinic's own policy (the abdomen,
    the front of the hip) asks for initials everywhere."""
    rules = settings.CONSENT_PROVINCE_RULES.get(settings.CONSENT_PROVINCE, {})
    verbal = {*rules.get("written_once_verbal_each_visit", ()), *rules.get("verbal_documented_each_visit", ())}
    written = {*rules.get("written_each_visit", ()), *rules.get("clinic_policy_written_each_visit", ())}
    return area in verbal and area not in written


class AreaConfirmationQuerySet(AuditedQuerySet):
    def latest_per_area(self, session) -> dict[str, "AreaConfirmation"]:
        """The latest word of this visit on each area (a "not today" after an agreement, or the reverse, replaces
        it), by area code."""
        latest = {}
        for confirmation in self.filter(session=session).select_related("recorded_by").order_by("confirmed_at", "id"):
            latest[confirmation.area] = confirmation
        return latest

    def agreed_areas(self, session) -> set[str]:
        """The sensitive areas the client agreed to at this visit, as things stand now."""
        return {area for area, row in self.latest_per_area(session).items() if row.agreed}

    def not_confirmed(self, session, treated_areas) -> set[str]:
        """Of these areas treated (AreaTreated.Area codes), the sensitive ones the client has not agreed to at this
        visit. Reads the visit's confirmations only when a sensitive area is among them."""
        from notes.models.treatment import AreaTreated

        sensitive = {area for area in treated_areas if area in AreaTreated.SENSITIVE}
        if not sensitive:
            return set()
        agreed = self.agreed_areas(session)
        return {area for area in sensitive if AreaTreated.SENSITIVE[area] not in agreed}


class AreaConfirmation(PartOfSession):
    """One area's word at one visit: agreed (with initials, or verbally where the rules allow) or "not today"."""

    class Method(models.TextChoices):
        INITIALS_TYPED = "initials_typed", _("initials typed on the tablet")
        INITIALS_DRAWN = "initials_drawn", _("initials drawn on the tablet")
        VERBAL = "verbal", _("agreed out loud, recorded by the therapist")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="area_confirmations")
    # The signed consent in force that names the area: the visit's word confirms it, never stands for it.
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="visit_confirmations")
    area = models.CharField(_("area"), max_length=20, choices=SensitiveArea.choices)
    agreed = models.BooleanField(_("agrees to this area today"))
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    initials = models.CharField(_("initials"), max_length=10, blank=True)
    initials_drawing = models.TextField(blank=True, help_text="Initials drawn on the tablet, as a PNG data URL.")
    confirmed_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AreaConfirmationQuerySet.as_manager()

    class Meta:
        ordering = ["confirmed_at", "id"]
        indexes = [models.Index(fields=["session", "area", "confirmed_at"], name="area_confirmation_session_idx")]

    def __str__(self):
        word = "agreed" if self.agreed else "not today"
        return f"{self.get_area_display()}: {word} at {local_time.clock(self.confirmed_at)}"

    @property
    def shown(self) -> str:
        """How the page, the PDF and the CSV say it: "initials “DK” typed on the tablet", "not today"."""
        if not self.agreed:
            return str(_("not today"))
        if self.method == self.Method.VERBAL:
            return str(self.get_method_display())
        if self.initials:
            return f"{_('initials')} “{self.initials}”, {self.get_method_display()}"
        return str(self.get_method_display())

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SignedSessionIsReadOnly("A visit's agreement to an area is never edited: record another one.")
        super().save(*args, **kwargs)
