"""The two reads every signed-in request makes, in SQL: its session row and its user.

Why SQL: every request of every page reads both before any page work, and through the ORM most of their cost is
compiling the query, not running it. Measured side by side (`bench/request_reads.py`, PostgreSQL, DEBUG off,
3,000 calls of each alternating; bench/RESULTS.md "The two reads of every request"): the session row 0.43 ms
through `Session.objects.get(...)` against 0.20 ms here, the user 0.41 ms through `User.objects.get(pk=...)`
against 0.29 ms through `User.objects.raw()`. Together 0.36 ms of the floor's 1.9 ms (a signed-in page with one
query), on every request; on a slower machine, 0.72 ms of 3.3. Issue 14 asked for the floor at twice the speed
of before.

Nothing else changes: the same rows are read with the same conditions (an expired session is no session; an
inactive user is no user), Django's session store decodes the data and Django's `get_user` checks the session's
password hash, as with `django.contrib.sessions.backends.db` and `ModelBackend`, which these extend. Only the
table and column names of the models and placeholders go into the statements; values are parameters.

Used as the session engine (`SESSION_ENGINE = "clinic.request_reads"`) and the sign-in backend
(`clinic.request_reads.UserBackend`).
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


def _once_per_database_kind(write):
    """`write(connection, model)`, a statement, kept for each kind of database (its quoting) and model: the same
    for every connection, so written once per process rather than on every request."""
    statements = {}

    @wraps(write)
    def statement(connection, model) -> str:
        key = (connection.vendor, model)
        if key not in statements:
            statements[key] = write(connection, model)
        return statements[key]

    return statement


@_once_per_database_kind
def _session_sql(connection, model) -> str:
    """The statement reading the data of a live session of `model` (the session model), by its key."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    data, key, expiry = (
        quote(model._meta.get_field(name).column) for name in ("session_data", "session_key", "expire_date")
    )
    return f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s"  # noqa: S608  # nosec B608


class SessionStore(db.SessionStore):
    """Django's database session store, reading its row in one fixed statement."""

    def load(self):
        """The live session's data, decoded; with no such session or an expired one, nothing, and the key is
        forgotten so that a save writes a new one (what Django's store does)."""
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_session_sql(connection, self.model), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])


@_once_per_database_kind
def _user_sql(connection, model) -> str:
    """The statement reading every column of one user, by their id."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608  # nosec B608


class UserBackend(ModelBackend):
    """Django's ModelBackend, reading the signed-in user of a request through `Manager.raw()`."""

    def get_user(self, user_id):
        user_model = get_user_model()
        connection = connections[router.db_for_read(user_model)]
        user = next(iter(user_model._default_manager.raw(_user_sql(connection, user_model), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None
