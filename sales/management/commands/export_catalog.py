"""Write the whole product catalog as JSON (to a file, or to standard output with "-")."""

import json

from django.core.management.base import BaseCommand

from sales.catalog_io import catalog_export


class Command(BaseCommand):
    help = "Export the product catalog as JSON; import it again with import_catalog."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="file to write, - for stdout")

    def handle(self, *args, path: str, **options):
        text = json.dumps(catalog_export(), indent=2, ensure_ascii=False) + "\n"
        if path == "-":
            self.stdout.write(text, ending="")
            return
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        self.stderr.write(self.style.SUCCESS(f"Catalog written to {path}."))
