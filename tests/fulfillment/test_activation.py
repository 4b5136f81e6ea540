"""R25 (first part): starting the work moves the order's products to pendingActive; closing
the order activates exactly its delivered products, with a service per delivered
specification carrying what its tasks captured; a cancelled line's product is cancelled;
nothing stays pending after closure."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cmdb.models import ProductInventory, ServiceInventory
from cmdb.services import DeliveredService, product_inventory_activate
from fulfillment import services
from orders.models import Order
from sales.models import ProductSpecification

from .conftest import finish, task_of, work_through


def _products(order):
    return ProductInventory.objects.filter(order_line__order=order)


def test_r25_starting_work_makes_products_pending_active(users, started):
    assert set(_products(started).values_list("status", flat=True)) == {"pending_active"}


def test_r25_closing_an_order_activates_exactly_its_inventory(users, started):
    finish(task_of(started, "order-circuit"), users["agent"], {"circuit_id": "DE-HH-0042"})
    work_through(started, users["agent"])
    assert Order.objects.get(pk=started.pk).state == "completed"
    products = list(_products(started))
    assert {p.status for p in products} == {"active"}
    assert {p.start_date for p in products} == {timezone.localdate()}
    hq = next(p for p in products if p.services.count() == 3)
    services_by_spec = {s.specification.code: s for s in hq.services.all()}
    assert set(services_by_spec) == {"ACCESS-LINE", "IP-INTERNET", "CPE-ROUTER"}
    access = services_by_spec["ACCESS-LINE"]
    assert (access.state, access.domain) == ("active", "access")
    assert access.characteristics["circuit_id"] == "DE-HH-0042"
    assert access.characteristics["ntu_serial"].startswith("ntu_serial-")
    assert "ip_block" in services_by_spec["IP-INTERNET"].characteristics
    # Nothing of the order is pending any more.
    assert not ProductInventory.objects.filter(order_line__order=started).pending().exists()
    assert ProductInventory.objects.exclude(order_line__order=started).count() == 0


def test_r25_order_page_shows_what_its_products_are_now(login, users, started):
    client = login(users["orders"])
    count = _products(started).count()
    page = client.get(started.get_absolute_url()).content.decode()
    assert f"{count} products: {count} pending activation" in page
    work_through(started, users["agent"])
    assert Order.objects.get(pk=started.pk).state == "completed"
    page = client.get(started.get_absolute_url()).content.decode()
    assert "pending activation" not in page
    assert f"{count} products: {count} active" in page


def test_r25_a_cancelled_lines_product_is_cancelled_the_rest_active(users, started):
    task = task_of(started, "order-circuit")
    services.task_claim(actor=users["agent"], task_id=task.pk)
    fallout = services.task_reject(
        actor=users["agent"], task_id=task.pk, category="data", reason="Site gone"
    )
    services.fallout_cancel_line(actor=users["orders"], fallout_id=fallout.pk, note="withdrawn")
    work_through(started, users["agent"])
    assert Order.objects.get(pk=started.pk).state == "partial"
    statuses = sorted(_products(started).values_list("status", flat=True))
    assert statuses == ["active", "cancelled"]
    cancelled = _products(started).get(status="cancelled")
    assert not cancelled.services.exists()


def test_r25_activation_runs_once(users, started):
    work_through(started, users["agent"])
    product = _products(started).first()
    count = ServiceInventory.objects.count()
    product_inventory_activate(
        actor=users["orders"],
        product_id=product.pk,
        start_date=timezone.localdate(),
        services=[DeliveredService(s.specification, s.domain) for s in product.services.all()],
    )
    assert ServiceInventory.objects.count() == count


def test_inventory_page_shows_services_with_a_fixed_query_count(login, users, started):
    work_through(started, users["agent"])
    client = login(users["rep"])
    url = reverse("cmdb:account_inventory", args=[started.account_id])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert page.count('data-testid="service"') == ServiceInventory.objects.count() == 4
    assert "2 in service" in page and "0 pending" in page
    # More services do not cost more queries.
    product = _products(started).first()
    others = ProductSpecification.objects.exclude(
        pk__in=product.services.values("specification_id")
    )[:5]
    for spec in others:
        ServiceInventory.objects.create(product=product, specification=spec, domain=spec.domain)
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert page.count('data-testid="service"') > 4
    # Session, user, roles, account, products with services (2), items with their open
    # incident and change counts, relationships, open incidents, open changes, the catalog's
    # characteristics (labels of the configurations shown), and the layout's own (nav and
    # home counts).
    assert len(more) == len(queries) == 13
