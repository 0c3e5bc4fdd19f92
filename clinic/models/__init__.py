"""The clinic's shared records, one module per kind: staff (users), the audited QuerySet, clients, and emergency
access with the security policy."""

from clinic.models.audited import AuditBypassRefused, AuditedQuerySet
from clinic.models.clients import SCREENING_FLAGS, Client, ClientDisposed, ClientQuerySet, keeps_record_written
from clinic.models.security import EmergencyAccess, EmergencyAccessQuerySet, SecurityPolicy
from clinic.models.users import RoleGrant, User

__all__ = [
    "SCREENING_FLAGS",
    "AuditBypassRefused",
    "AuditedQuerySet",
    "Client",
    "ClientDisposed",
    "ClientQuerySet",
    "EmergencyAccess",
    "EmergencyAccessQuerySet",
    "RoleGrant",
    "SecurityPolicy",
    "User",
    "keeps_record_written",
]
