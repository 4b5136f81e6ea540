"""Helpers shared by the management commands of every app."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def actor_from_username(username: str):
    """The user a command acts as (recorded in the audit trail), or a clear error."""
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as exc:
        raise CommandError(f"No user {username!r}.") from exc
