"""Import accounts with locations and contacts from a CSV file, all or nothing."""

from pathlib import Path

from django.core.management.base import CommandError

from sales.services import CSV_COLUMNS, accounts_import_csv
from telcrm.management import FileImportCommand, actor_from_username


class Command(FileImportCommand):
    help = (
        f"Import accounts from CSV (columns: {', '.join(CSV_COLUMNS)}). "
        "Every row is checked first; nothing is imported if any row is bad."
    )

    def handle(self, *args, path: Path, as_user: str, **options):
        actor = actor_from_username(as_user)
        result = accounts_import_csv(actor=actor, data=self.read(path))
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
