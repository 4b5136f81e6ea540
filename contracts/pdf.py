"""Render documents with WeasyPrint. The URL fetcher serves only our own static files: a
document built from user data can never make WeasyPrint read a local file or the network."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://documents.telcrm.invalid/"
PNG_DATA_URL = re.compile(r"^data:image/png;base64,[A-Za-z0-9+/=]+$")


class StaticOnlyFetcher(URLFetcher):
    """Resolves ``/static/...`` to files found by the staticfiles finders (and PNG data URLs,
    for a drawn signature); refuses everything else."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            if not PNG_DATA_URL.match(url):
                raise ValueError("Only PNG data URLs are embedded in documents.")
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith("/static/"):
            raise ValueError(f"Documents load only our static files, not {url}.")
        relative = parts.path.removeprefix("/static/")
        if ".." in relative.split("/"):
            raise ValueError(f"Documents load only our static files, not {url}.")
        found = finders.find(relative)
        if not found:
            raise ValueError(f"No static file {parts.path}.")
        path = Path(found)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def render_pdf(template: str, context: dict) -> Rendered:
    html = render_to_string(template, context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    return Rendered(pdf=document.write_pdf(), pages=len(document.pages))
