"""Time the main pages on this database (grow it first with ``seed_scale``) next to a bare
50-row list page measured in the same run, and print each page's median and p95 in ms, its
query count and its ratio to the bare page; ``--json FILE`` writes the figures too, so two
runs can be compared. Read-only: it only GETs pages through Django's test client."""

import json
import resource
import statistics
import time
from dataclasses import asdict, dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse

BARE = engines["django"].from_string(
    "<!doctype html><title>Accounts</title><table>"
    "{% for a in rows %}<tr><td>{{ a.number }}</td><td>{{ a.name }}</td>"
    "<td>{{ a.state }}</td></tr>{% endfor %}</table>"
)


def bare_list(request):
    """The reference: 50 accounts by name, one query, a plain template, served like every
    page (through the middleware, signed in) at ``BARE_URL``."""
    rows = apps.get_model("sales", "Account").objects.order_by("name")[:50]
    return HttpResponse(BARE.render({"rows": rows}))


BARE_URL = "/bench/bare/"
# The site's URLs plus the bare page, for this command only.
urlpatterns = [path(BARE_URL[1:], bare_list), path("", include(settings.ROOT_URLCONF))]


@dataclass
class Figure:
    page: str
    user: str
    url: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int
    ratio: float = 0.0


def last_page(url: str) -> str:
    """``url`` at its last page, as a user who clicks "Last" gets it."""
    return f"{url}{'&' if '?' in url else '?'}page=last"


class Command(BaseCommand):
    help = "Time the main pages (median, p95, queries) next to a bare 50-row list page."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--json", dest="json_path", default="")
        parser.add_argument("--only", default="", help="Only pages whose name contains this.")

    def handle(self, *args, runs, json_path: str, only: str, **options):
        User = get_user_model()
        rep = (
            User.objects.filter(username__startswith="scale-rep-").order_by("username").first()
            or User.objects.filter(username="sara").first()
        )
        if rep is None:
            raise CommandError("No sales rep: load the demo (make demo) or grow it (make scale).")
        self.runs = runs
        clients = {}

        def client(username: str) -> Client:
            if username not in clients:
                clients[username] = Client()
                clients[username].force_login(User.objects.get(username=username))
            return clients[username]

        model = apps.get_model
        first = {
            name: model(*name.split("."))
            .objects.order_by("-pk")
            .values_list("pk", flat=True)
            .first()
            for name in (
                "sales.Account",
                "sales.Lead",
                "sales.Opportunity",
                "sales.Quote",
                "contracts.SalesContract",
                "orders.Order",
                "cmdb.ConfigurationItem",
            )
        }
        lead_of_rep = model("sales", "Lead").objects.filter(owner=rep).values_list("pk", flat=True)
        pages = [
            ("home", "admin", reverse("home")),
            ("home", rep.username, reverse("home")),
            ("home", "mia", reverse("home")),
            ("home", "omar", reverse("home")),
            ("home", "fiona", reverse("home")),
            ("pipeline", "admin", reverse("sales:pipeline")),
            ("pipeline", rep.username, reverse("sales:pipeline")),
            ("account list", "admin", reverse("sales:account_list")),
            ("account list, search", "admin", reverse("sales:account_list") + "?q=nord"),
            ("account list, last page", "admin", ("last", reverse("sales:account_list"))),
            ("account list", rep.username, reverse("sales:account_list")),
            ("lead list", "admin", reverse("sales:lead_list")),
            ("lead list, filtered", "admin", reverse("sales:lead_list") + "?state=new"),
            ("lead list, last page", "admin", ("last", reverse("sales:lead_list"))),
            ("lead list", rep.username, reverse("sales:lead_list")),
            ("opportunity list", "admin", reverse("sales:opportunity_list")),
            ("opportunity list, last page", "admin", ("last", reverse("sales:opportunity_list"))),
            ("quote list", "admin", reverse("sales:quote_list")),
            ("quote list", rep.username, reverse("sales:quote_list")),
            ("agreement list", "admin", reverse("sales:agreement_list")),
            ("contract list", "admin", reverse("contracts:contract_list")),
            ("order list", "admin", reverse("orders:order_list")),
            ("work queue", "fiona", reverse("fulfillment:task_queue")),
            ("fall-out queue", "fiona", reverse("fulfillment:fallout_queue")),
            ("configuration items", "sven", reverse("cmdb:item_list")),
            ("product inventory", "sven", reverse("cmdb:product_list")),
            ("audit log", "admin", reverse("audit_log")),
            (
                "account page",
                "admin",
                reverse("sales:account_detail", args=[first["sales.Account"]]),
            ),
            ("lead page", "admin", reverse("sales:lead_detail", args=[first["sales.Lead"]])),
            (
                "opportunity page",
                "admin",
                reverse("sales:opportunity_detail", args=[first["sales.Opportunity"]]),
            ),
            ("quote page", "admin", reverse("sales:quote_detail", args=[first["sales.Quote"]])),
        ]
        if lead_of_rep:
            pages.append(
                ("lead page", rep.username, reverse("sales:lead_detail", args=[lead_of_rep[0]]))
            )
        if first["orders.Order"]:
            pages.append(
                ("order page", "omar", reverse("orders:order_detail", args=[first["orders.Order"]]))
            )
            pages.append(
                (
                    "trace",
                    "admin",
                    reverse("fulfillment:trace", args=["order", first["orders.Order"]]),
                )
            )
        if first["cmdb.ConfigurationItem"]:
            pages.append(
                (
                    "configuration item page",
                    "sven",
                    reverse("cmdb:item_detail", args=[first["cmdb.ConfigurationItem"]]),
                )
            )
        with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False, ROOT_URLCONF=__name__):
            bare = self.measure("bare 50-row list", "admin", BARE_URL, client("admin"))
            figures = [bare]
            for name, username, url in pages:
                if only and only not in name:
                    continue
                if not User.objects.filter(username=username).exists():
                    continue
                if isinstance(url, tuple):
                    url = last_page(url[1])
                figures.append(self.measure(name, username, url, client(username)))
        for figure in figures:
            figure.ratio = round(figure.median_ms / bare.median_ms, 1)
        self.report(figures)
        # What a web worker holds after serving every page: the same code in one process.
        peak_mib = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        self.stdout.write(f"Peak memory (RSS) after serving every page: {peak_mib} MiB.")
        if json_path:
            with open(json_path, "w") as out:
                out.write(
                    _dumps(
                        {
                            "database": connection.vendor,
                            "rows": {
                                name: model(*name.split(".")).objects.count() for name in first
                            }
                            | {"sales.Lead": model("sales", "Lead").objects.count()},
                            "pages": [asdict(f) for f in figures],
                            "peak_memory_mib": peak_mib,
                        }
                    )
                )
            self.stdout.write(f"Figures written to {json_path}.")

    def measure(self, name, username, url, client) -> Figure:
        times, queries, status = [], 0, 200
        for run in range(self.runs + 1):  # the first run warms caches and is not counted
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            status = response.status_code
            if run:
                times.append(elapsed)
                queries = len(captured)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        return Figure(
            name, username, url, round(statistics.median(times), 1), round(p95, 1), queries, status
        )

    def report(self, figures: list[Figure]) -> None:
        self.stdout.write(
            f"{'page':<30} {'user':<14} {'median ms':>9} {'p95 ms':>8} {'queries':>7} "
            f"{'x bare':>6}  status"
        )
        for f in figures:
            self.stdout.write(
                f"{f.page:<30} {f.user:<14} {f.median_ms:>9.1f} {f.p95_ms:>8.1f} {f.queries:>7} "
                f"{f.ratio:>6.1f}  {f.status}"
            )
        self.stdout.write(f"Database: {connection.vendor}; DEBUG off; {self.runs} runs per page.")


def _dumps(data) -> str:
    return json.dumps(data, indent=2, default=str)
