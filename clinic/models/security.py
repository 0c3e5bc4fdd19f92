"""Emergency access to a record outside the care team, and the clinic's security switches."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.models.audited import AuditBypassRefused, AuditedQuerySet
from clinic.models.clients import Client


class EmergencyAccessQuerySet(AuditedQuerySet):
    def unexpired(self):
        return self.filter(expires_at__gt=timezone.now())

    def granted_since(self, moment):
        return self.filter(granted_at__gte=moment)


class EmergencyAccess(models.Model):
    """Emergency access ("break the glass"): a therapist outside the care team reads a client's clinical record.

    Read-only and for a limited time (settings.EMERGENCY_ACCESS_DURATION). Never changed or deleted: each grant is a
    record of who opened whose record and why, shown to clinic admins and on the client's history.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = models.TextField(_("reason"), max_length=1000)
    granted_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["user", "client", "expires_at"], name="emergency_access_lookup_idx")]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")

    def __str__(self):
        return f"{self.user} → {self.client} ({local_time.minute(self.granted_at)})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditBypassRefused("An emergency access, once granted, is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditBypassRefused("An emergency access, once granted, is never deleted.")

    def get_additional_data(self):
        return {"client": str(self.client.public_id), "emergency_access": True}

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class SecurityPolicy(models.Model):
    """Clinic-wide security switches a clinic admin sets in the app (one row). Audited like every change."""

    require_2fa_for_admin = models.BooleanField(
        _("require a second factor (TOTP) for the admin and audit pages"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def __str__(self):
        return str(_("Security policy"))

    def delete(self, *args, **kwargs):
        raise AuditBypassRefused("The security policy is changed, never deleted.")

    @classmethod
    def current(cls) -> "SecurityPolicy":
        """The clinic's policy, unsaved defaults until a clinic admin first changes it."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
