"""``manage.py bench_documents``: how long the quote summary PDF of a large quote takes to
render the way the background worker renders it (read the quote, build the page, WeasyPrint),
next to bare WeasyPrint turning the same HTML into a PDF in the same run. Changes nothing:
the large quote is a copy whose lines are repeated, in a transaction rolled back at the end."""

from __future__ import annotations

import copy
import statistics
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from weasyprint import HTML

from contracts.pdf import BASE_URL, StaticOnlyFetcher, render_pdf
from contracts.summary import quote_document_context
from sales.models import Quote, QuoteLine

TEMPLATE = "contracts/pdf/quote_summary.html"


def _no_queries(execute, sql, params, many, context):
    raise AssertionError("Bare WeasyPrint reads nothing from the database.")


class Command(BaseCommand):
    help = "Time the quote summary PDF of a large quote next to bare WeasyPrint on its HTML."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--lines", type=int, default=50, help="lines on the quote")
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, lines: int, runs: int, **options) -> None:
        source = Quote.objects.filter(lines__isnull=False).order_by("pk").first()
        if source is None:
            raise CommandError("No quote with lines: run `manage.py demo_data` first.")
        with transaction.atomic():
            quote = self._grow(source, lines)

            def ours() -> bytes:
                return render_pdf(TEMPLATE, quote_document_context(quote)).pdf

            html = render_to_string(TEMPLATE, quote_document_context(quote))

            def bare() -> bytes:
                return HTML(
                    string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()
                ).write_pdf()

            bare()  # the first rendering loads the fonts for both
            ours_ms, bare_ms = [], []
            with CaptureQueriesContext(connection) as queries:
                for _ in range(runs):  # in turns, so that a busy moment costs both alike
                    ours_ms.append(self._time(ours))
                    with connection.execute_wrapper(_no_queries):
                        bare_ms.append(self._time(bare))
            transaction.set_rollback(True)
        ratio = statistics.median(ours_ms) / statistics.median(bare_ms)
        self.stdout.write(
            f"Quote summary PDF of {lines} lines, median of {runs} ({connection.vendor}):\n"
            f"  telcrm (read, page, PDF) {statistics.median(ours_ms):8.0f} ms  "
            f"{len(queries) // runs} queries\n"
            f"  bare WeasyPrint, same HTML {statistics.median(bare_ms):6.0f} ms\n"
            f"  ratio {ratio:.2f} x bare"
        )

    def _time(self, render) -> float:
        began = time.perf_counter()
        pdf = render()
        elapsed = (time.perf_counter() - began) * 1000
        if not pdf.startswith(b"%PDF"):
            raise CommandError("The renderer did not return a PDF.")
        return elapsed

    def _grow(self, source: Quote, lines: int) -> Quote:
        """A copy of ``source`` with its lines repeated up to ``lines`` (on its own sites)."""
        originals = list(source.lines.all())
        quote = Quote.objects.get(pk=source.pk)
        quote.pk = quote.id = None
        quote.number = f"{source.number}-BENCH"
        quote.save()
        copies = []
        for index in range(lines):
            line = copy.copy(originals[index % len(originals)])
            line.pk = line.id = None
            line.quote = quote
            line.key = uuid.uuid4()
            copies.append(line)
        QuoteLine.objects.bulk_create(copies)
        return quote
