"""A person cared for by the clinic, the summaries other apps keep on them, and the reads that find them."""

import re
import uuid
from datetime import date

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clinic.choices import CachedChoiceLabels
from clinic.models.audited import AuditBypassRefused, AuditedQuerySet
from clinic.models.users import User

SCREENING_FLAGS = ("consider", "caution", "contraindicated", "refer")


class ClientQuerySet(AuditedQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def in_care_of(self, user):
        return self.filter(care_team=user)

    def clinically_visible_to(self, user):
        """Clients whose clinical records this user may read: all for admins; for therapists, their care team's
        and those they opened under emergency access that has not expired yet."""
        from clinic.models.security import EmergencyAccess  # it points at Client: imported when asked

        if user.is_clinic_admin:
            return self.all()
        if user.is_therapist:
            # Subqueries, not a join: a join on the care team would repeat a client once per team member.
            on_team = Client.care_team.through.objects.filter(client_id=OuterRef("pk"), user_id=user.pk)
            granted = EmergencyAccess.objects.unexpired().filter(client_id=OuterRef("pk"), user_id=user.pk)
            return self.filter(Exists(on_team) | Exists(granted))
        return self.none()

    def search(self, text: str):
        """Find clients by name, preferred name, phone or date of birth (YYYY-MM-DD)."""
        text = text.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a string: it would be a 500
        if not text:
            return self
        try:
            born = date.fromisoformat(text)
        except ValueError:
            born = None
        if born is not None:
            return self.filter(date_of_birth=born)
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 3 and re.fullmatch(r"[\d\s()+.\-]+", text):
            return self.filter(phone_digits__contains=digits)
        query = Q()
        for term in text.split()[:5]:
            query &= Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(preferred_name__icontains=term)
        # The same order as the list, through an expression the name index cannot serve: otherwise PostgreSQL
        # walks that index in name order hoping for 25 matches early, and a name late in the alphabet means reading
        # most of 100,000 clients (115 ms measured) instead of the trigram matches, then sorting them (4 ms).
        return self.filter(query).order_by(Concat("last_name", Value("")), Concat("first_name", Value("")), "id")

    def needing_review(self):
        """Referred and not yet cleared, or screened since the last session."""
        return self.filter(
            Q(screening_refer=True, referral_cleared=False)
            | Q(screened_at__isnull=False, last_session_at__isnull=True)
            | Q(screened_at__gt=F("last_session_at"))
        )

    def flagged(self, flag: str):
        """Clients whose latest screening carries `flag`: consider, caution, contraindicated or refer."""
        if flag == "consider":
            return self.filter(screening_iliopsoas="consider")
        if flag in ("caution", "contraindicated"):
            return self.filter(screening_abdominal_work=flag)
        if flag == "refer":
            return self.filter(screening_refer=True)
        return self

    def named_exactly(self, *, first_name: str, last_name: str, date_of_birth: date):
        """Clients of this very name (whatever its case) and date of birth: the demo data's "already there"."""
        return self.filter(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )

    def born_on(self, day: date):
        return self.filter(date_of_birth=day)

    def closest_surnames_first(self, last_name: str):
        """On PostgreSQL, the surnames most alike `last_name` first, by trigram similarity (pg_trgm, enabled by
        migration 0005); elsewhere in the list's order."""
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import TrigramSimilarity  # needs psycopg: asked only on PostgreSQL

            similarity = TrigramSimilarity("last_name", last_name.strip())
            return self.annotate(surname_similarity=similarity).order_by("-surname_similarity", "id")
        return self.order_by("last_name", "first_name", "id")


class ClientDisposed(Exception):
    """The client's clinical record was disposed of: they stay anonymised and archived, for good."""


class Client(CachedChoiceLabels, models.Model):
    """A person cared for by the clinic. Never hard-deleted: archived instead."""

    class ReferralSource(models.TextChoices):
        WORD_OF_MOUTH = "word_of_mouth", _("Friend or family")
        PHYSICIAN = "physician", _("Physician or other clinician")
        ONLINE_SEARCH = "online_search", _("Online search")
        SOCIAL_MEDIA = "social_media", _("Social media")
        SELF = "self", _("Self-referred")
        THERAPIST = "therapist", _("Another therapist")
        WALK_IN = "walk_in", _("Walked by")
        INSURANCE = "insurance", _("Insurer or employer")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("legal first name"), max_length=100)
    last_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Digits only, kept in step with `phone` on save, so a search for "416 555" finds "(416) 555-0100".
    phone_digits = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    address = models.TextField(_("address"), max_length=500, blank=True)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=40, blank=True)
    family_physician_name = models.CharField(_("family physician"), max_length=200, blank=True)
    family_physician_contact = models.CharField(_("family physician's clinic or phone"), max_length=200, blank=True)
    referral_source = models.CharField(
        _("how they were referred"), max_length=20, choices=ReferralSource.choices, blank=True
    )
    referral_detail = models.CharField(_("referral details"), max_length=200, blank=True)
    desk_notes = models.TextField(_("notes for the front desk"), max_length=2000, blank=True)
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="care_clients", blank=True, verbose_name=_("care team")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archive_reason = models.CharField(_("reason for archiving"), max_length=200, blank=True)
    # Summaries of the latest screening, kept by the intake app in the same transaction as the screening,
    # so lists filter and badge by flag without a join.
    screening_iliopsoas = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    screening_abdominal_work = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    screening_refer = models.BooleanField(default=False, db_index=True, editable=False)
    referral_cleared = models.BooleanField(default=False, editable=False)
    screened_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A care-team therapist's clinical judgement standing beside the latest screening's iliopsoas flag, when it
    # differs from it: "consider" or "not_indicated" (empty: none). Kept by the intake app like the flags.
    iliopsoas_judgement = models.CharField(max_length=20, blank=True, editable=False)
    # When a clinical judgement was last recorded: pages look for judgements only for a client who ever had one.
    last_judgement_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Kept by the notes app when a session is signed: "new since their last session" compares with it.
    last_session_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Kept by `grant_emergency_access`: pages look for grants only for a client who ever had one.
    last_emergency_access_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The latest moment anything was written in the client's clinical record (an intake, a screening, a clearance,
    # a consent given or withdrawn, a session, a feedback entry, an addendum), kept by `keeps_record_written` in the
    # transaction of each write: the retention date reads it, not the latest write of every kind of record.
    record_written_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When a disposal of the record was last asked for (kept as `record_written_at` is, on every save of a
    # disposal request): the pages look for a disposal only for the few clients who ever had one.
    disposal_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the clinical record was disposed of and the client anonymised (notes/disposal.py). Final: such a client
    # stays archived, is never restored and their demographics are not edited again (nobody re-identifies them).
    disposed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="client_name_idx"),
            models.Index(fields=["date_of_birth"], name="client_dob_idx"),
        ]

    def __str__(self):
        return self.full_name

    # Who the client is: what the client form edits, and what disposal's anonymisation takes away. A new personal
    # field goes here, and both follow.
    PERSONAL_FIELDS = (
        "first_name",
        "last_name",
        "preferred_name",
        "pronouns",
        "date_of_birth",
        "phone",
        "email",
        "address",
        "emergency_contact_name",
        "emergency_contact_relationship",
        "emergency_contact_phone",
        "family_physician_name",
        "family_physician_contact",
        "referral_source",
        "referral_detail",
        "desk_notes",
    )
    # Summaries kept by the services of the other apps in the transaction of the record they summarise.
    KEPT_SUMMARY_FIELDS = frozenset(
        (
            "screening_iliopsoas",
            "screening_abdominal_work",
            "screening_refer",
            "referral_cleared",
            "screened_at",
            "iliopsoas_judgement",
            "last_judgement_at",
            "last_session_at",
            "last_emergency_access_at",
            "record_written_at",
            "disposal_requested_at",
        )
    )
    # Moved on by every clinical write, from any request: written only by name (`keep_latest`), so saving
    # an instance read before such a write (editing or archiving the client) never puts back an older value.
    # `disposed_at` likewise: saving an instance read before the disposal never takes it back.
    WRITTEN_ONLY_BY_NAME = frozenset(("record_written_at", "disposal_requested_at", "disposed_at"))

    def save(self, *args, **kwargs):
        if self.disposed_at is not None and self.archived_at is None:
            raise ClientDisposed
        self.phone_digits = re.sub(r"\D", "", self.phone or "")
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.WRITTEN_ONLY_BY_NAME
            ]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_digits"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clinic:client-detail", kwargs={"public_id": self.public_id})

    def delete(self, *args, **kwargs):
        raise AuditBypassRefused("Clients are archived, never deleted.")

    def get_additional_data(self):
        # django-auditlog stores this on every entry about the client, so /audit/ can filter by client.
        return {"client": str(self.public_id)}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        """The name to call the client by, with the legal name when it differs."""
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.preferred_name} {self.last_name} ({self.first_name})"
        return self.full_name

    @property
    def screening_flags(self) -> list[str]:
        """The flags of the latest screening, for badges: any of consider, caution, contraindicated, refer. A referral
        stands for abdominal work too: what applies once a physician answers it depends on the clearance's scope and
        dates, which the client page states in one line, so no badge claims it."""
        flags = []
        if self.screening_iliopsoas == "consider":
            flags.append("consider")
        if self.screening_abdominal_work in ("caution", "contraindicated") and not self.screening_refer:
            flags.append(self.screening_abdominal_work)
        if self.screening_refer:
            flags.append("refer")
        return flags

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_disposed(self) -> bool:
        return self.disposed_at is not None

    @cached_property
    def care_team_members(self) -> list[User]:
        """The care team by name, read once per request (or taken from a `prefetch_related("care_team")`): their
        names only, which is all a page shows of them (not password hashes and the rest of the row)."""
        members = self.care_team.all()
        if "care_team" not in getattr(self, "_prefetched_objects_cache", {}):
            members = members.only(*User.NAME_FIELDS)
        return sorted(members, key=lambda member: (member.first_name, member.last_name, member.pk))

    def has_on_care_team(self, user) -> bool:
        return any(member.pk == user.pk for member in self.care_team_members)

    @staticmethod
    def keep_latest(client_id: int, field: str, moment) -> None:
        """Move the client's `field` (`record_written_at`, `disposal_requested_at`) on to `moment` if it is later:
        one UPDATE, no read. A summary like the screening flags: written past the audited QuerySet, which refuses
        bulk updates."""
        Client._base_manager.filter(pk=client_id).filter(
            Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": moment})
        ).update(**{field: moment})

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def keeps_record_written(model, written, *, field: str = "record_written_at") -> None:
    """Keep `Client.<field>` whenever a `model` row is saved: `written(row)` gives (client id, moment)."""

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            client_id, moment = written(instance)
            if moment is not None:
                Client.keep_latest(client_id, field, moment)

    models.signals.post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{field}-{model._meta.label}")
