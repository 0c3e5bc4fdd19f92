"""PDF exports of large records, prepared off the request path.

A record of a few dozen sessions renders while the person waits (well under a second). A long course of care
(hundreds of sessions, a hundred pages) takes seconds and would grow past the server's request timeout, so it is
rendered in the background: the request answers at once with a page that refreshes until the PDF is ready.

The rendering is a task of Django's tasks framework (`django-tasks`, the backport of Django 6's), queued when the
request's transaction commits. Where it runs is `settings.TASKS`: in production and in the demo the database
backend (`django-tasks-db`), whose workers (`python manage.py db_worker`, one or many, on this machine or others
sharing the database) take it from the queue; in the tests, the immediate backend, at once. A request that finds
its export pending for longer than `STALE_AFTER` (its worker died while rendering) queues it again, and a worker
that claims an export nobody else holds renders it: no export is stuck for good.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from clinic.models import Client, User
from notes.exports import client_record_pdf
from notes.models import RecordExport, TreatmentSession

logger = logging.getLogger(__name__)

KEPT_FOR = timedelta(hours=1)
STALE_AFTER = timedelta(minutes=2)


def with_session_counts(clients: QuerySet) -> QuerySet:
    """The clients, each with its signed sessions and drafts counted (`signed_sessions`, `draft_sessions`) in the
    query that loads it: whether its PDF renders while the person waits (EXPORT_INLINE_MAX_SESSIONS signed sessions
    at most), and what the PDF says of the drafts it leaves out."""

    def counted(status):
        sessions = TreatmentSession.objects.filter(client=OuterRef("pk"), status=status).order_by()
        return Coalesce(Subquery(sessions.values("client").annotate(n=Count("pk")).values("n")), 0)

    return clients.annotate(
        signed_sessions=counted(TreatmentSession.Status.SIGNED), draft_sessions=counted(TreatmentSession.Status.DRAFT)
    )


def renders_inline(signed_sessions: int) -> bool:
    return signed_sessions <= settings.EXPORT_INLINE_MAX_SESSIONS


@transaction.atomic
def request_export(*, client: Client, by: User, base_url: str) -> RecordExport:
    """A new export of the client's record as it stands now; the requester's expired exports are deleted."""
    RecordExport.objects.filter(requested_by=by, requested_at__lt=timezone.now() - KEPT_FOR).delete()
    export = RecordExport.objects.create(client=client, requested_by=by, base_url=base_url[:300])
    transaction.on_commit(lambda: start_rendering(export.pk))
    return export


def start_rendering(export_id: int) -> None:
    render_export_task.enqueue(export_id)


@task()
def render_export_task(export_id: int) -> bool:
    """The background task: delete the exports past their hour, then render this one (if still pending)."""
    delete_expired()
    return render_export(export_id)


def render_export(export_id: int) -> bool:
    """Render one pending export; False when another process took it first or it is no longer pending."""
    with transaction.atomic():
        claimed = (
            RecordExport.objects.select_for_update(skip_locked=True)
            .filter(pk=export_id, status=RecordExport.Status.PENDING)
            .filter(Q(started_at__isnull=True) | Q(started_at__lt=timezone.now() - STALE_AFTER))
            .first()
        )
        if claimed is None:
            return False
        claimed.started_at = timezone.now()
        claimed.save(update_fields=["started_at"])
    export = RecordExport.objects.select_related("client").get(pk=export_id)
    try:
        pdf = client_record_pdf(export.client, base_url=export.base_url or "http://localhost/")
    except Exception:
        logger.exception("PDF export %s failed", export.public_id)
        export.status, export.finished_at = RecordExport.Status.FAILED, timezone.now()
        export.save(update_fields=["status", "finished_at"])
        return False
    export.pdf, export.status, export.finished_at = pdf, RecordExport.Status.READY, timezone.now()
    export.sessions = TreatmentSession.objects.for_client(export.client).signed().count()
    export.save(update_fields=["pdf", "status", "finished_at", "sessions"])
    return True


def restart_if_stale(export: RecordExport) -> None:
    """Start the rendering again when the pending export's thread or worker is gone."""
    since = export.started_at or export.requested_at
    if export.status == RecordExport.Status.PENDING and timezone.now() - since > STALE_AFTER:
        with transaction.atomic():
            RecordExport.objects.filter(pk=export.pk, status=RecordExport.Status.PENDING).update(started_at=None)
        transaction.on_commit(lambda: start_rendering(export.pk))


def delete_expired() -> int:
    """Delete every export older than KEPT_FOR: they are copies of clinical records, kept no longer than needed."""
    deleted, _ = RecordExport.objects.filter(requested_at__lt=timezone.now() - KEPT_FOR).delete()
    return deleted


def is_expired(export: RecordExport) -> bool:
    return timezone.now() - export.requested_at > KEPT_FOR
