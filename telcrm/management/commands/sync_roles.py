"""Give the role groups exactly the permissions of ``telcrm.roles.ROLE_PERMISSIONS``.
``migrate`` does the same at its end; run this after changing the map without a migration,
or to undo permissions someone changed by hand in the admin."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from telcrm.roles import MissingPermissions, sync_roles


class Command(BaseCommand):
    help = "Create the role groups and set their permissions from ROLE_PERMISSIONS. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database to sync (default: default)."
        )

    def handle(self, *args, **options):
        try:
            changes = sync_roles(using=options["database"])
        except MissingPermissions as exc:
            raise CommandError(str(exc)) from exc
        if not changes:
            self.stdout.write("Roles are up to date.")
            return
        for role, (added, removed) in changes.items():
            self.stdout.write(f"{role}:")
            for name in added:
                self.stdout.write(f"  + {name}")
            for name in removed:
                self.stdout.write(f"  - {name}")
