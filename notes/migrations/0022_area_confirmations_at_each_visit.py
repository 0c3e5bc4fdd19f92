"""Each visit's agreement to each sensitive area (initials on the tablet, or a verbal agreement recorded), and its
protection below the app like the other parts of a session (migrations 0004 and 0016): never updated, never
inserted once the session is signed, never deleted except by an approved record disposal of the client."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import clinic.choices

TABLE = "notes_areaconfirmation"
SQLITE_DISPOSAL = (
    "EXISTS (SELECT 1 FROM notes_recorddisposal WHERE status = 'approved' AND client_id = "
    "(SELECT client_id FROM notes_treatmentsession WHERE id = OLD.session_id))"
)
SQLITE_SIGNED = "EXISTS (SELECT 1 FROM notes_treatmentsession WHERE id = NEW.session_id AND status = 'signed')"
SQLITE_TRIGGERS = [
    ("notes_areaconfirmation_signed_no_insert", "INSERT", SQLITE_SIGNED, "the session is signed: INSERT refused"),
    ("notes_areaconfirmation_no_update", "UPDATE", "1", "an agreement to an area is never edited"),
    ("notes_areaconfirmation_no_delete", "DELETE", f"NOT {SQLITE_DISPOSAL}", "records of a session are never deleted"),
]


def protect(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # 0004's guard of a session's parts: no insert or update once signed, no delete but by disposal; the model
        # refuses an update of a draft's row too.
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_guard BEFORE INSERT OR UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION notes_session_part_guard()"
        )
    elif vendor == "sqlite":
        for name, event, when, message in SQLITE_TRIGGERS:
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {TABLE} WHEN {when} "
                f"BEGIN SELECT RAISE(ABORT, '{message} ({TABLE})'); END"
            )


def unprotect(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}")
    elif vendor == "sqlite":
        for name, *_rest in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0021_consent_texts_naming_each_area"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AreaConfirmation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "area",
                    models.CharField(
                        choices=[
                            ("abdomen", "Abdomen"),
                            ("front_hip", "Front of the hip and upper inner thigh"),
                            ("gluteal", "Gluteal region"),
                            ("chest_wall", "Chest wall"),
                            ("breast", "Breast"),
                        ],
                        max_length=20,
                        verbose_name="area",
                    ),
                ),
                ("agreed", models.BooleanField(verbose_name="agrees to this area today")),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("initials_typed", "initials typed on the tablet"),
                            ("initials_drawn", "initials drawn on the tablet"),
                            ("verbal", "agreed out loud, recorded by the therapist"),
                        ],
                        max_length=20,
                        verbose_name="how",
                    ),
                ),
                ("initials", models.CharField(blank=True, max_length=10, verbose_name="initials")),
                (
                    "initials_drawing",
                    models.TextField(blank=True, help_text="Initials drawn on the tablet, as a PNG data URL."),
                ),
                ("confirmed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "consent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visit_confirmations",
                        to="notes.consent",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="area_confirmations",
                        to="notes.treatmentsession",
                    ),
                ),
            ],
            options={
                "ordering": ["confirmed_at", "id"],
                "indexes": [
                    models.Index(fields=["session", "area", "confirmed_at"], name="area_confirmation_session_idx")
                ],
            },
            bases=(clinic.choices.CachedChoiceLabels, models.Model),
        ),
        migrations.RunPython(protect, unprotect),
    ]
