from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Disabled: the clinic's audit log is append-only and is never flushed."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")
        parser.add_argument("-t", "--truncate", action="store_true")

    def handle(self, *args, **options):
        raise CommandError("The audit log is append-only: entries are kept and cannot be flushed.")
