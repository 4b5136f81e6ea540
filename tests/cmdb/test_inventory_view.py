"""R26: the customer's inventory shows each site's configuration items with their open
incidents and changes and a relationship diagram, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmdb.models import Incident, Relationship

from .conftest import make_item


def _incident(item, user, title="Link down"):
    return Incident.objects.create(item=item, title=title, description="-", reported_by=user)


def test_r26_inventory_shows_items_incidents_and_the_site_diagram(login, users, items, world):
    hq = items["hq"]
    site = make_item(hq.account, site=world["HQ"], kind="site", name="HQ")
    Relationship.objects.create(source=hq, kind="terminates_at", target=site)
    Relationship.objects.create(source=hq, kind="terminates_at", target=items["pop"])
    _incident(hq, users["ops"])
    client = login(users["rep"])
    url = reverse("cmdb:account_inventory", args=[hq.account_id])
    page = client.get(url).content.decode()
    assert page.count('data-testid="item"') == 3  # HQ circuit and site, Metro trunk
    assert "Access circuit Südlicht" not in page  # another customer's
    # HQ's diagram: circuit, site and the POP it ends at; Metro's: its trunk.
    assert page.count('data-testid="diagram"') == 2
    assert page.count('data-testid="diagram-node"') == 4
    assert page.count("terminates at</text>") == 2
    assert "Link down" in page and "1 INC" in page

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for n in range(4):
        service = make_item(hq.account, site=world["HQ"], kind="ip_service", name=f"VPN {n}")
        Relationship.objects.create(source=service, kind="depends_on", target=hq)
        _incident(service, users["ops"], title=f"Slow {n}")
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert page.count('data-testid="diagram-node"') == 8
    assert len(more) == len(queries)


def test_inventory_is_not_shown_outside_the_users_view(login, users, items):
    url = reverse("cmdb:account_inventory", args=[items["hq"].account_id])
    assert login(users["other_rep"]).get(url).status_code == 404
    assert login(users["outsider"]).get(url).status_code == 403
