"""Import accounts with locations and contacts from a CSV file, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sales.services import CSV_COLUMNS, accounts_import_csv
from telcrm.management import actor_from_username


class Command(BaseCommand):
    help = (
        f"Import accounts from CSV (columns: {', '.join(CSV_COLUMNS)}). "
        "Every row is checked first; nothing is imported if any row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--as-user", required=True, help="username recorded as the importer in the audit trail"
        )

    def handle(self, *args, path: Path, as_user: str, **options):
        actor = actor_from_username(as_user)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        result = accounts_import_csv(actor=actor, data=data)
        if not result.ok:
            for line, reason in result.errors:
                self.stderr.write(f"row {line}: {reason}" if line else reason)
            if result.created:
                raise CommandError(
                    f"Stopped after {len(result.created)} accounts: the row above was refused "
                    "while writing; the rows after it were not imported."
                )
            raise CommandError(f"Nothing imported: {len(result.errors)} problem(s) in {path}.")
        self.stdout.write(self.style.SUCCESS(f"Imported {len(result.created)} accounts."))
