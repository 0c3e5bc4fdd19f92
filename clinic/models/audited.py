"""The QuerySet every audited model uses: writes go through `save()`, one row at a time, so each is logged."""

from django.db import models


class AuditBypassRefused(Exception):
    """Raised by bulk writes on audited models: django-auditlog would never see them."""


class AuditedQuerySet(models.QuerySet):
    """The QuerySet of every audited model: writes go through `save()`, one row at a time, so each is logged."""

    def update(self, **kwargs):
        raise AuditBypassRefused(f"{self.model.__name__}: QuerySet.update() bypasses the audit log; save() each row.")

    def bulk_create(self, *args, **kwargs):
        raise AuditBypassRefused(f"{self.model.__name__}: bulk_create() bypasses the audit log.")

    def bulk_update(self, *args, **kwargs):
        raise AuditBypassRefused(f"{self.model.__name__}: bulk_update() bypasses the audit log.")

    def delete(self):
        raise AuditBypassRefused(f"{self.model.__name__}: clinical records are archived, never deleted.")


# The flags a client's latest screening may carry, as badges and list filters.
