"""Values read by a raw SQL statement, made what the ORM would have given: the database backends differ there."""

from datetime import UTC, datetime

from django.utils import timezone


def aware(moment) -> datetime | None:
    """A moment as a raw query returns it: aware from PostgreSQL, UTC text (or a naive UTC datetime) from SQLite.
    A missing moment (NULL) stays None."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment
