"""Error pages that are also security events (R40): each is logged, then Django's own page
is shown."""

from django.http import HttpRequest, HttpResponse
from django.views import csrf, defaults

from ..security import security_event


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler403``: access refused to a signed-in user (a role without the permission)."""
    security_event("access_denied", request, method=request.method)
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form posted without a valid CSRF token (a forged request, or
    a page left open across a sign-out)."""
    security_event("csrf_failed", request, method=request.method, reason=reason)
    return csrf.csrf_failure(request, reason)
