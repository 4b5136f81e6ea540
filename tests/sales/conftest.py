"""Fixtures shared by the quote tests."""

import copy

import pytest

from sales.catalog_io import catalog_import
from sales.demo_catalog import CATALOG
from sales.models import Location
from tests.factories import ChildAccountFactory


@pytest.fixture
def world(users, rep_account):
    """The demo catalog, and a customer with three sites: on-net Hamburg, Hamburg metro
    (fiber with a build surcharge) and Kiel (no fiber)."""
    catalog_import(actor=users["admin"], data=copy.deepcopy(CATALOG))
    Location.objects.create(account=rep_account, address_line1="Am Sandtorkai 50",
                            postcode="20457", city="Hamburg", country="DE")  # fmt: skip
    sites = {}
    for name, street, postcode, city in [
        ("HQ", "Am Sandtorkai 50", "20457", "Hamburg"),
        ("Metro", "Mönckebergstr. 7", "20095", "Hamburg"),
        ("Kiel", "Schulstr. 3", "24103", "Kiel"),
    ]:
        site = ChildAccountFactory(parent=rep_account, name=name)
        Location.objects.create(account=site, address_line1=street, postcode=postcode,
                                city=city, country="DE")  # fmt: skip
        sites[name] = site
    return sites
