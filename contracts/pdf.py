"""Render documents with WeasyPrint. The URL fetcher serves only our own static files: a
document built from user data can never make WeasyPrint read a local file or the network."""

from __future__ import annotations

import base64
import io
import mimetypes
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from PIL import Image
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://documents.telcrm.invalid/"
PNG_DATA_URL = re.compile(r"^data:image/png;base64,[A-Za-z0-9+/=]+$")
# A drawn signature comes from a 600 x 200 canvas; a PNG may claim any size in a few bytes
# and decoding a large one takes gigabytes, so nothing larger is ever decoded.
MAX_SIGNATURE_SIZE = (2000, 800)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header, without decoding its pixels. Raises ValueError
    for anything that is not a readable PNG."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                return image.size
        except (OSError, Image.DecompressionBombError) as exc:
            raise ValueError("Not a readable PNG image.") from exc


def fits_signature_size(size: tuple[int, int]) -> bool:
    return size[0] <= MAX_SIGNATURE_SIZE[0] and size[1] <= MAX_SIGNATURE_SIZE[1]


class StaticOnlyFetcher(URLFetcher):
    """Resolves ``/static/...`` to files found by the staticfiles finders (and PNG data URLs,
    for a drawn signature); refuses everything else."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            if not PNG_DATA_URL.match(url):
                raise ValueError("Only PNG data URLs are embedded in documents.")
            # Checked again here: a signature stored before the size limit never renders.
            size = png_size(base64.b64decode(url.split(",", 1)[1]))
            if not fits_signature_size(size):
                raise ValueError(f"An embedded image of {size[0]} x {size[1]} pixels is too large.")
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
