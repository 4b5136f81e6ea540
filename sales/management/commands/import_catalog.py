"""Import a product catalog JSON file (from export_catalog); a bad file changes nothing."""

from pathlib import Path

from django.core.management.base import CommandError

from sales.catalog_io import catalog_import
from telcrm.cleaning import BadInput, load_json
from telcrm.fsm import DomainError
from telcrm.management import FileImportCommand, actor_from_username


class Command(FileImportCommand):
    help = "Import the product catalog from JSON, all or nothing."

    def handle(self, *args, path: Path, as_user: str, **options):
        actor = actor_from_username(as_user)
        raw = self.read(path)
        try:
            data = load_json(raw)
        except BadInput as exc:
            raise CommandError(
                f"{path} was not imported: {exc.message} Nothing was changed."
            ) from exc
        try:
            counts = catalog_import(actor=actor, data=data)
        except DomainError as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(f"{exc.message} Nothing was changed.") from exc
        summary = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {summary}."))
