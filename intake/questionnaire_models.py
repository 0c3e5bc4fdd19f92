"""The questionnaires the client answered (intake/questionnaires.py scores them): one row each, scored at save.

Imported by intake/models.py."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.models import AuditedQuerySet, Client
from intake import questionnaire_instruments, questionnaires
from intake.models import ClientRecord


class QuestionnaireResponseQuerySet(AuditedQuerySet):
    def for_client(self, client):
        return self.filter(client=client)

    def oldest_first(self):
        return self.order_by("taken_at", "id")

    def newest_first(self):
        return self.order_by("-taken_at", "-id")


class QuestionnaireResponse(ClientRecord):
    """One validated questionnaire the client answered (intake/questionnaires.py), with its score as the
    instrument's published rule gives it, worked out and stored at save so a later reading never changes it. Taken
    down by staff now; sent by the client from their pre-visit forms later. Never deleted (notes migration 0019)."""

    class Source(models.TextChoices):
        STAFF = "staff", _("recorded by staff")
        CLIENT = "client", _("submitted by the client")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="questionnaire_responses")
    instrument = models.CharField(_("questionnaire"), max_length=20, choices=questionnaire_instruments.CHOICES)
    answers = models.JSONField(_("answers"))
    score = models.FloatField(_("score"), null=True, blank=True, editable=False)
    subscales = models.JSONField(_("subscales"), default=dict, blank=True, editable=False)
    complete = models.BooleanField(_("complete"), default=False, editable=False)
    taken_at = models.DateTimeField(_("answered at"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionnaireResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["client", "instrument", "taken_at"], name="questionnaire_client_idx")]

    def __str__(self):
        return f"{self.short_name} of {self.client} on {local_time.local_date(self.taken_at):%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("intake:questionnaire-detail", kwargs={"public_id": self.public_id})

    @property
    def definition(self) -> questionnaire_instruments.Instrument:
        return questionnaire_instruments.INSTRUMENTS[self.instrument]

    @property
    def short_name(self) -> str:
        return self.definition.short_name

    @property
    def risk(self) -> str:
        return self.subscales.get("risk", "")

    @property
    def psychosocial(self) -> int | None:
        return self.subscales.get("psychosocial")

    @property
    def summary(self) -> str:
        return describe_score(self)

    def answer_rows(self) -> list[tuple[str, str]]:
        """Each item and its answer in words, as the form asked it; blanks shown as not answered."""
        instrument = self.definition
        if self.instrument == questionnaire_instruments.PSFS:
            return [
                (activity["name"], gettext("not rated") if activity["rating"] is None else str(activity["rating"]))
                for activity in self.answers.get("activities", [])
            ]
        rows = []
        for item in instrument.items:
            value = self.answers.get(item.key)
            if self.instrument == questionnaire_instruments.RMDQ:
                answer = gettext("ticked") if value else gettext("not ticked")
            else:
                chosen = next((c.label for c in item.choices if c.value == value), None)
                answer = chosen if chosen is not None else gettext("not answered")
            rows.append((item.text, answer))
        return rows

    def scored(self) -> questionnaires.Score:
        """The answers scored again by the instrument's rule (raises QuestionnaireInputError on bad answers)."""
        return questionnaires.score(self.instrument, self.answers)

    def save(self, *args, **kwargs):
        result = self.scored()
        self.score = result.score
        self.complete = result.complete
        if result.subscales is not None:
            self.subscales = dict(result.subscales)
        elif self.instrument == questionnaire_instruments.STARTBACK:
            self.subscales = {"psychosocial": result.psychosocial, "risk": result.risk}
        else:
            self.subscales = {}
        super().save(*args, **kwargs)


def describe_score(response) -> str:
    """The score in words: "12 of 24", "pain 62.5, function 75, quality of life 50 (of 100)", "7 of 9, high risk"."""
    instrument = response.definition
    if response.instrument == questionnaire_instruments.HOOS12:
        parts = [
            f"{questionnaire_instruments.HOOS12_SCALE_NAMES[scale].lower()} {_number(response.subscales.get(scale))}"
            for scale in questionnaire_instruments.HOOS12_SCALES
        ]
        return gettext("%(scales)s (of 100)") % {"scales": ", ".join(parts)}
    if response.score is None:
        return gettext("not scored (too few answers)")
    text = gettext("%(score)s of %(max)s") % {"score": _number(response.score), "max": _number(instrument.maximum)}
    if response.instrument == questionnaire_instruments.STARTBACK:
        text += ", " + gettext("psychosocial %(sub)s of 5, %(risk)s risk") % {
            "sub": response.psychosocial,
            "risk": response.risk,
        }
    return text


def _number(value) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else str(value)


# The client's own forms (their link, what they send), in a module of their own.
