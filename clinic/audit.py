"""The audit log: django-auditlog's LogEntry, made append-only, with reads recorded too.

Every entry about a client carries the client's public id in `additional_data["client"]`, so the log can be
filtered by client whatever the object (the client, an intake, a session...).
"""

from contextvars import ContextVar
from functools import partial, wraps

from auditlog.cid import get_cid, set_cid
from auditlog.context import _set_extra_data, auditlog_value
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.signals import pre_delete, pre_save
from django.utils.encoding import smart_str


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


# The dispatch id of django-auditlog's request receiver, connected once (`connect_request_receiver`).
REQUEST_CONTEXT = ("clinic.audit", "request")


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, trusting X-Forwarded-For only behind a proxy we configured.

    Every entry saved during a request names the request's user, address and correlation id, as with
    django-auditlog's own middleware, and through its own receiver (`auditlog.context._set_extra_data`) reading
    its own context variable. The difference is when that receiver is connected: django-auditlog connects a new
    one to `pre_save` as each request starts and disconnects it as the request ends (a lock and a scan of every
    `pre_save` receiver, twice, on every request); here it is connected once, at start-up, and a request only
    sets the context variable and resets it at the end. That is 0.03 to 0.07 ms less on every request: the floor
    page took 1.72 ms instead of 1.75 (`make floor` against the code before), and 0.07 ms less in an A/B of this
    middleware alone; bench/RESULTS.md has its own time per request (0.033 ms, 0.096 before).
    """

    def __call__(self, request):
        set_cid(request)
        token = auditlog_value.set({**self.get_extra_data(request), "signal_duid": REQUEST_CONTEXT})
        try:
            return self.get_response(request)
        finally:
            auditlog_value.reset(token)

    @staticmethod
    def _get_remote_addr(request):
        if settings.TRUST_X_FORWARDED_FOR:
            return AuditlogMiddleware._get_remote_addr(request)
        return request.META.get("REMOTE_ADDR")

    @staticmethod
    def _get_remote_port(request):
        return None


def register_models():
    from clinic.models import Client, EmergencyAccess, SecurityPolicy

    # Derived or summary fields: their changes are audited where they originate (the screening, the session).
    derived = ["updated_at", "phone_digits", *sorted(Client.KEPT_SUMMARY_FIELDS)]
    auditlog.register(Client, m2m_fields={"care_team"}, exclude_fields=derived)
    auditlog.register(EmergencyAccess)
    auditlog.register(SecurityPolicy, exclude_fields=["updated_at"])


# The reads of one page, gathered by `reads_audited_together` and written in one INSERT.
_pending_reads: ContextVar[list | None] = ContextVar("pending_audited_reads", default=None)


def record_view(instance) -> None:
    """Write an ACCESS entry: the current request's user looked at `instance`."""
    record_views([instance])


def record_views(instances) -> None:
    """ACCESS entries for records read on one page, written in one INSERT (or with the page's other reads).

    Each entry is what django-auditlog's `accessed` signal would write: its own receivers (pre_save) fill in the
    actor and the address, and a failure fails the request, as for any other write."""
    entries = []
    for instance in instances:
        if instance is None or instance.pk is None or not auditlog.contains(instance.__class__):
            continue
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance),
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=smart_str(instance),
            action=LogEntry.Action.ACCESS,
            additional_data=instance.get_additional_data() if hasattr(instance, "get_additional_data") else None,
            cid=get_cid(),
        )
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=entry._state.db, update_fields=None)
        entries.append(entry)
    pending = _pending_reads.get()
    if pending is not None:
        pending.extend(entries)
    elif entries:
        insert_entries(entries)


# Entries per statement, well under SQLite's limit on parameters (15 columns each).
INSERT_BATCH = 50


def insert_entries(entries: list[LogEntry]) -> None:
    """Write entries in one INSERT ... VALUES statement (per 50): each value prepared by its field as Django's own
    INSERT prepares it. A single statement is atomic by itself, so outside a transaction it needs none; bulk_create
    wraps it in one (BEGIN and COMMIT) and, on PostgreSQL, builds typed arrays to UNNEST: 1 ms more per page."""
    fields = [field for field in LogEntry._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    table = connection.ops.quote_name(LogEntry._meta.db_table)
    for start in range(0, len(entries), INSERT_BATCH):
        batch = entries[start : start + INSERT_BATCH]
        params = [
            field.get_db_prep_save(field.pre_save(entry, add=True), connection) for entry in batch for field in fields
        ]
        # Table and column names from the model, every value a parameter.
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(batch))}"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def reads_audited_together(view):
    """Write every read a view (and its template's tags) records in one INSERT: a page that shows a client, their
    screening and their consents costs one write, not three."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = _pending_reads.set([])
        try:
            response = view(request, *args, **kwargs)
            entries = _pending_reads.get()
        finally:
            _pending_reads.reset(token)
        if entries:
            insert_entries(entries)
        return response

    return wrapped


def record_export(client, kind: str) -> None:
    """Write an ACCESS entry for an export of the client's record: `kind` is "pdf", "fhir" or "csv" (the audit log
    says "exported as PDF")."""
    LogEntry.objects.log_create(
        client,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"export": [None, kind]},
        additional_data={"client": str(client.public_id), "export": kind},
    )


def _refuse_change(sender, instance, **kwargs):
    if instance.pk is not None and not kwargs.get("raw"):
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")


def _refuse_delete(sender, instance, **kwargs):
    raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")


def connect_request_receiver():
    """django-auditlog's receiver filling in an entry from the request's context (AuditMiddleware), once."""
    pre_save.connect(
        partial(_set_extra_data, signal_duid=REQUEST_CONTEXT), sender=LogEntry, dispatch_uid=REQUEST_CONTEXT, weak=False
    )


def guard_append_only():
    pre_save.connect(_refuse_change, sender=LogEntry, dispatch_uid="audit-append-only-save")
    pre_delete.connect(_refuse_delete, sender=LogEntry, dispatch_uid="audit-append-only-delete")
