"""Helpers shared by the management commands of every app."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


def actor_from_username(username: str):
    """The user a command acts as (recorded in the audit trail), or a clear error."""
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as exc:
        raise CommandError(f"No user {username!r}.") from exc


class FileImportCommand(BaseCommand):
    """A command that imports one file (``path``) as a user (``--as-user``, recorded in the
    audit trail)."""

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--as-user", required=True, help="username recorded as the importer in the audit trail"
        )

    @staticmethod
    def read(path: Path) -> bytes:
        """The file's bytes, or a clear error when it cannot be read."""
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
