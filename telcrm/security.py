"""Sign-in throttling (R40): what a user is told when signing in is blocked.

django-axes counts failed sign-ins per username and per address and refuses a blocked one
before any password is checked (``AUTHENTICATION_BACKENDS``); the sign-in forms here turn
that refusal into a message on the form itself, so the staff and the admin sign-in pages
both say why, in plain words, instead of "wrong password"."""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

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


class SignInForm(LockoutAwareMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}


class AdminSignInForm(LockoutAwareMixin, AdminAuthenticationForm):
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
