"""The audit log in plain words: "set pain to 4", "changed pain from 4 to 6", "cleared note (was “Quiet room”)".

django-auditlog stores each change as two strings ("None" for nothing, "True"/"False", a choice's stored value, a
moment in UTC). These functions say them as a person would, with the field's verbose name, yes/no, a choice's label
and a moment in the clinic's time zone to the minute. They read only the model class (its fields' names, types and
choices), never the database, so a page of fifty entries costs no query more.

A value longer than `SHORT_LENGTH` characters is cut in `Change.short`; `Change.text` keeps it whole, for the page
to show on request.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic import local_time

SHORT_LENGTH = 120
EMPTY = ("", "None", "[]", "{}")

# Fields whose own names say too little out of their model's context.
CLEARER_LABELS = {
    ("notes", "complaintpain", "before"): "pain before the session",
    ("notes", "complaintpain", "after"): "pain after the session",
    ("notes", "feedbackentry", "at"): "time",
}


@dataclass(frozen=True)
class Change:
    """One change, in words: whole (`text`) and with each long value cut (`short`)."""

    text: str
    short: str
    hidden_length: int = 0  # characters of the values cut in `short`

    def __str__(self):
        return self.text

    @property
    def is_cut(self) -> bool:
        return self.short != self.text

    @property
    def show_all(self) -> str:
        """ "Show all 5,000 characters": what opens the whole text."""
        count = self.hidden_length
        return ngettext("Show all %(count)s character", "Show all %(count)s characters", count) % {
            "count": f"{count:,}"
        }


def action_words(action: int, changes: dict | None = None) -> str:
    """What was done, as a verb: "created", "changed", "deleted", "viewed" or "exported"."""
    if action == LogEntry.Action.ACCESS and "export" in (changes or {}):
        return _("exported")
    return {
        LogEntry.Action.CREATE: _("created"),
        LogEntry.Action.UPDATE: _("changed"),
        LogEntry.Action.DELETE: _("deleted"),
        LogEntry.Action.ACCESS: _("viewed"),
    }.get(action, str(action))


def describe_changes(changes: dict | None, model=None, *, action: int = LogEntry.Action.UPDATE) -> list[Change]:
    """One `Change` per field, in the order stored; a field empty before and after says nothing and is left out."""
    described = []
    for name, change in (changes or {}).items():
        if _says_nothing(model, name):
            continue
        field = _field(model, name)
        label = field_label(model, name)
        if isinstance(change, dict) and change.get("type") == "m2m":
            described.append(_m2m(label, change))
        elif isinstance(change, (list, tuple)) and len(change) == 2:
            before, after = (_Value.of(value, field) for value in change)
            text = _sentence(action, name, label, before, after, short=False)
            if text is not None:
                short = _sentence(action, name, label, before, after, short=True)
                described.append(Change(text, short, before.hidden + after.hidden))
        else:
            described.append(_whole(f"{label}: {change}"))
    return described


def field_label(model, name: str) -> str:
    """A field's name as the forms say it (its verbose name), "pain before" rather than "pain_before"."""
    if model is not None:
        clearer = CLEARER_LABELS.get((model._meta.app_label, model._meta.model_name, name))
        if clearer:
            return clearer
    field = _field(model, name)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return name.replace("_", " ")


def _sentence(action, name: str, label: str, before: "_Value", after: "_Value", *, short: bool) -> str | None:
    """The change in words, each long value cut when `short`; None when nothing is worth saying."""
    if before.empty and after.empty:
        return None
    was, now = before.words(short), after.words(short)
    if action == LogEntry.Action.ACCESS and name == "export" and before.empty:
        return _("exported as %(kind)s") % {"kind": now.upper()}
    if action == LogEntry.Action.DELETE and after.empty:
        return _("%(field)s was %(value)s") % {"field": label, "value": was}
    if before.empty:
        return _("set %(field)s to %(value)s") % {"field": label, "value": now}
    if after.empty:
        return _("cleared %(field)s (was %(value)s)") % {"field": label, "value": was}
    return _("changed %(field)s from %(before)s to %(after)s") % {"field": label, "before": was, "after": now}


def _m2m(label: str, change: dict) -> Change:
    names = ", ".join(map(str, change.get("objects", [])))
    if change.get("operation") == "add":
        return _whole(_("added %(names)s to the %(field)s") % {"names": names, "field": label})
    return _whole(_("removed %(names)s from the %(field)s") % {"names": names, "field": label})


def _whole(text: str) -> Change:
    return Change(text, text)


@dataclass(frozen=True)
class _Value:
    """A stored value, in words: `whole`, and its length when it is too long to show at once."""

    whole: str
    empty: bool
    quoted: bool
    hidden: int  # its length when cut, else 0

    @classmethod
    def of(cls, stored, field) -> "_Value":
        empty = stored is None or (isinstance(stored, str) and stored.strip() in EMPTY)
        whole = "" if empty else _in_words(stored, field)
        quoted = not empty and _is_free_text(field)
        return cls(whole, empty, quoted, len(whole) if len(whole) > SHORT_LENGTH else 0)

    def words(self, short: bool) -> str:
        text = self.whole[:SHORT_LENGTH].rstrip() + "…" if short and self.hidden else self.whole
        return f"“{text}”" if self.quoted else text


def _in_words(stored, field) -> str:
    if field is None:
        return str(stored)
    if isinstance(field, models.BooleanField):
        return {"True": _("yes"), "False": _("no")}.get(str(stored), str(stored))
    if field.choices:
        return str(dict(field.flatchoices).get(stored, stored))
    if isinstance(field, models.DateTimeField):
        return _stored_moment(stored)
    if field.many_to_one or field.one_to_one:
        return f"#{stored}"
    return str(stored)


def _is_free_text(field) -> bool:
    return isinstance(field, (models.CharField, models.TextField)) and not field.choices


def _says_nothing(model, name: str) -> bool:
    """django-auditlog's creations list the record's own id and its reverse relations ("notes.Addendum.None")."""
    if model is None:
        return False
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    reverse_relation = field.auto_created and not field.concrete
    return reverse_relation or (field.primary_key and isinstance(field, models.AutoField))


def _field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _stored_moment(value) -> str:
    """A moment as django-auditlog stores it, in UTC: without an offset ("2026-12-04 04:05:09.123456", its way
    since 3.x) or with one ("+00:00"), in the clinic's time zone to the minute; anything else as is."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return local_time.minute(moment)
