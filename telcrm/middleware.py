"""Request guards: the request id, the upload size cap that acts before Django reads a
request's body, and the session's time limits (R40)."""

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape

from .security import security_event

# An X-Request-ID sent by a proxy in front is kept when it looks like an id (a UUID, a hex or
# base64url string): never free text, which would end up in the logs as it was sent.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")


class RequestIdMiddleware:
    """Gives every request an id (``request.request_id``): the well-formed ``X-Request-ID``
    it came with, or a new one. The response carries it back in ``X-Request-ID``, and the
    security log names it, so a record can be matched with the proxy's and the user's view
    of the same request. First in the chain: every refusal after it has an id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request.request_id = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


# Room for a form's other fields and the multipart headers around the largest file.
FORM_OVERHEAD = 256 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds the largest accepted upload, with a
    message, before anything (CSRF check, form parsing) reads the body. Placed above the
    session and CSRF middleware, so it cannot use the page layout: its page stands alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.TELCRM_MAX_UPLOAD_BYTES
        if length > limit + FORM_OVERHEAD:
            return self.refuse(request, length, limit)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, length: int, limit: int) -> HttpResponse:
        security_event("upload_refused", request, size=length, limit=limit)
        message = (
            f"The upload is too large ({filesizeformat(length)}): at most "
            f"{filesizeformat(limit)} per file. Split the file and upload the parts one by one."
        )
        if request.path.startswith("/tmf-api/"):
            body = {
                "code": "413",
                "reason": "Request too large",
                "message": message,
                "status": "413",
            }
            return JsonResponse(body, status=413)
        back = escape(request.path)
        html = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Upload too large</title></head><body>"
            f'<h1>Upload too large</h1><p data-testid="too-large">{escape(message)}</p>'
            f'<p><a href="{back}">Back</a></p></body></html>'
        )
        return HttpResponse(html, status=413)


# Session keys: when the user signed in, and when the session was last used (epoch seconds).
SIGNED_IN_AT = "telcrm_signed_in_at"
LAST_SEEN_AT = "telcrm_last_seen_at"
# The last-used time is written at most this often, so that not every page saves the session.
SEEN_RESOLUTION = 60


def start_session_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    """``user_logged_in`` receiver: a new sign-in starts the idle and the absolute clock."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def duration(seconds: int) -> str:
    """A time limit in words: "12 hours", "30 minutes", "45 seconds"."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    if seconds >= 60:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds} seconds"


class SessionLimitsMiddleware:
    """Ends a signed-in session that was idle for ``SESSION_IDLE_SECONDS`` or is older than
    ``SESSION_MAX_SECONDS`` (the user is signed out and sent to the sign-in page with a
    message), and marks every response to a signed-in user as not to be stored by a browser
    or a proxy (pages and documents alike). Placed after the authentication and message
    middleware; the sign-in redirect itself is LoginRequiredMiddleware's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check_limits(request)
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        # Django sets none; a development server's own name is not sent either.
        del response["Server"]
        return response

    def check_limits(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen_at = session.setdefault(LAST_SEEN_AT, now)
        if now - last_seen_at > settings.SESSION_IDLE_SECONDS:
            idle = duration(settings.SESSION_IDLE_SECONDS)
            reason = f"You were signed out after {idle} without activity."
        elif now - signed_in_at > settings.SESSION_MAX_SECONDS:
            longest = duration(settings.SESSION_MAX_SECONDS)
            reason = f"You were signed out: a session lasts at most {longest}."
        else:
            if now - last_seen_at >= SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = now
            return
        logout(request)  # flushes the session and rotates its key
        messages.info(request, f"{reason} Please sign in again.")
