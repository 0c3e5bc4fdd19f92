"""Demo users and clients for trying the app. Refuses to run with DEBUG off; running it twice changes nothing."""

import os
import unicodedata
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic import roles, services
from clinic.models import Client, User

DEMO_USERS = [
    # username, first name, last name, roles
    ("frontdesk", "Farah", "Desai", [roles.FRONT_DESK]),
    ("therapist", "Theo", "Marschel", [roles.THERAPIST]),
    ("therapist2", "Tamsin", "Okafor", [roles.THERAPIST]),
    ("admin", "Ada", "Lindqvist", [roles.CLINIC_ADMIN]),
]

# first, last, preferred, pronouns, born, phone, referral source, care team usernames, desk notes
DEMO_CLIENTS = [
    (
        "Maya",
        "Chen",
        "",
        "she/her",
        date(2001, 6, 14),
        "416-555-0101",
        "social_media",
        ["therapist"],
        "Dancer; prefers late afternoon appointments.",
    ),
    (
        "Robert",
        "Okonkwo",
        "Rob",
        "he/him",
        date(1986, 2, 3),
        "416-555-0102",
        "physician",
        ["therapist"],
        "Spin instructor. Referred by Dr. Patel.",
    ),
    (
        "Eleanor",
        "Fitzgerald",
        "Nell",
        "she/her",
        date(1958, 11, 22),
        "647-555-0103",
        "word_of_mouth",
        ["therapist", "therapist2"],
        "Hard of hearing on the left; speak clearly.",
    ),
    ("Samir", "Haddad", "", "he/him", date(1974, 8, 9), "905-555-0104", "online_search", ["therapist"], ""),
    (
        "Priya",
        "Raman",
        "",
        "she/her",
        date(1992, 4, 30),
        "416-555-0105",
        "insurance",
        ["therapist2"],
        "Extended health benefits through employer; bring receipt.",
    ),
    ("Jordan", "Beaulieu", "Jo", "they/them", date(1997, 1, 17), "437-555-0106", "social_media", ["therapist"], ""),
    (
        "Walter",
        "Nakamura",
        "",
        "he/him",
        date(1951, 9, 5),
        "416-555-0107",
        "physician",
        ["therapist"],
        "Uses a cane; ground-floor room please.",
    ),
    ("Grace", "O'Sullivan", "", "she/her", date(1989, 12, 1), "647-555-0108", "word_of_mouth", ["therapist"], ""),
    ("Luis", "Ferreira", "", "he/him", date(1979, 3, 28), "905-555-0109", "walk_in", [], ""),
    (
        "Aisha",
        "Mensah",
        "",
        "she/her",
        date(2004, 7, 19),
        "416-555-0110",
        "online_search",
        ["therapist"],
        "Varsity soccer player.",
    ),
    ("Henrik", "Larsen", "", "he/him", date(1966, 5, 11), "437-555-0111", "insurance", ["therapist"], ""),
    (
        "Chloé",
        "Tremblay",
        "",
        "she/her",
        date(1983, 10, 8),
        "514-555-0112",
        "physician",
        ["therapist"],
        "Prefers French for paperwork.",
    ),
]


def demo_email(first: str, last: str) -> str:
    local = unicodedata.normalize("NFKD", f"{first}.{last}".lower()).encode("ascii", "ignore").decode()
    return f"{local.replace(chr(39), '')}@example.com"


class Command(BaseCommand):
    help = "Create the demo users (password from DEMO_PASSWORD, default 'demo') and a dozen demo clients."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates accounts with a known password.")
        password = os.environ.get("DEMO_PASSWORD", "demo")
        with transaction.atomic():
            users = {
                username: self.ensure_user(username, first, last, names, password)
                for username, first, last, names in DEMO_USERS
            }
            created = sum(self.ensure_client(row, users) for row in DEMO_CLIENTS)
            # Other apps add their demo records through an AppConfig.seed_demo(users=...) hook.
            extras = [
                app_config.seed_demo(users=users)
                for app_config in apps.get_app_configs()
                if callable(getattr(app_config, "seed_demo", None))
            ]
        self.stdout.write(
            f"Demo ready: users {', '.join(users)} (password from DEMO_PASSWORD, default 'demo'); "
            f"{created} new client(s), {len(DEMO_CLIENTS) - created} already there; "
            f"{'; '.join(extras) or 'nothing else'}."
        )

    def ensure_user(self, username, first_name, last_name, role_names, password) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": f"{username}@clinic.example"},
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name__in=role_names))
        return user

    def ensure_client(self, row, users) -> bool:
        first, last, preferred, pronouns, born, phone, source, team, notes = row
        if Client.objects.named_exactly(first_name=first, last_name=last, date_of_birth=born).exists():
            return False
        services.create_client(
            created_by=None,
            care_team=[users[name] for name in team],
            first_name=first,
            last_name=last,
            preferred_name=preferred,
            pronouns=pronouns,
            date_of_birth=born,
            phone=phone,
            email=demo_email(first, last),
            referral_source=source,
            desk_notes=notes,
        )
        return True
