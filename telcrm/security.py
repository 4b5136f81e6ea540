"""Security (R40): what a user is told when signing in is blocked, and the security log.

django-axes counts failed sign-ins per username and per address and refuses a blocked one
before any password is checked (``AUTHENTICATION_BACKENDS``); the sign-in forms here turn
that refusal into a message on the form itself, so the staff and the admin sign-in pages
both say why, in plain words, instead of "wrong password".

Every security event (a failed or blocked sign-in, denied access, a CSRF failure, a bad
token, a refused upload) is one record of the ``telcrm.security`` logger, written as one JSON
line with the event, the user, the client's address, the request id, the time (UTC) and the
path (``security_event``; written by ``telcrm.logs.JsonLineFormatter``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from .cleaning import CleanTextFormMixin
from .http import client_ip

logger = logging.getLogger("telcrm.security")

INVALID_LOGIN = "Your username and password didn't match. Please try again."


def lockout_message() -> str:
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return (
        "Too many failed sign-in attempts for this user or from this address. Signing in is "
        f"blocked for {minutes} minutes, even with the right password. Ask an administrator "
        "if you need to sign in sooner."
    )


class LockoutAwareMixin:
    """An authentication form that says so when the sign-in was refused because of too many
    failed attempts (django-axes marks the request), rather than blaming the password."""

    request: HttpRequest | None

    def get_invalid_login_error(self) -> ValidationError:
        if self.request is not None and getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()


class SignInForm(CleanTextFormMixin, LockoutAwareMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}


class AdminSignInForm(CleanTextFormMixin, LockoutAwareMixin, AdminAuthenticationForm):
    pass


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the page the view rendered already shows the lock-out
    message on its form; it is kept, with the status that says "too many attempts"."""
    if original_response is None:
        return HttpResponse(lockout_message(), status=429, content_type="text/plain")
    original_response.status_code = 429
    return original_response


def security_event(
    event: str, request: HttpRequest | None, *, user: str | None = None, **details: object
) -> None:
    """Log one security event. ``user`` is the username the event is about; by default the
    request's signed-in user (``None`` when nobody is). Extra ``details`` are added as they
    are; never pass a password or a token."""
    # A DRF request authenticates when its ``user`` is read: use the Django request under it,
    # whose user is the session's, so that logging a failed API sign-in cannot recurse.
    http_request = getattr(request, "_request", request)
    if user is None and http_request is not None:
        request_user = getattr(http_request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user.get_username()
    fields = {
        "event": event,
        "user": user,
        "address": client_ip(http_request) if http_request is not None else None,
        "request_id": getattr(http_request, "request_id", None),
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "path": http_request.path if http_request is not None else None,
        **details,
    }
    logger.warning(event, extra={"security": fields})


def log_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    """``user_login_failed``: every failed sign-in (Django has already removed the password
    from ``credentials``)."""
    security_event("login_failed", request, user=credentials.get("username"))


def log_login_locked_out(sender, request: HttpRequest, username: str | None, **kwargs):
    """django-axes' ``user_locked_out``: the sign-in that reached the limit and each one
    refused while the block lasts."""
    security_event("login_locked_out", request, user=username)
