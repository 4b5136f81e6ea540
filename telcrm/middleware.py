"""Request guards that must act before Django reads a request's body."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape

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
