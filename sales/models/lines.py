"""The priced site line that a quote line, the sales contract line that mirrors it (R13) and
the order line that mirrors that (R15) all are: an offering configured at a site, priced.

The fields are declared here once; ``MIRRORED_FIELDS`` names those a copy takes from its
source, for the services that make the copies and the checks that compare them.
"""

from decimal import Decimal
from typing import ClassVar

from django.db import models

from .accounts import Account, Location
from .catalog import ProductOffering

money = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}


class PricedSiteLine(models.Model):
    """An offering at a site (a child account) and its location, configured, with its net
    prices per unit and a build surcharge: what quote, contract and order lines share."""

    site = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    offering = models.ForeignKey(ProductOffering, on_delete=models.PROTECT, related_name="+")
    characteristics = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField()
    net_recurring = models.DecimalField(**money)
    net_one_time = models.DecimalField(**money)
    surcharge = models.DecimalField("build surcharge", **money)

    # What a copy of a line takes from its source (the order line from its contract line).
    MIRRORED_FIELDS: ClassVar[list[str]] = [
        "site_id",
        "location_id",
        "offering_id",
        "characteristics",
        "quantity",
        "net_recurring",
        "net_one_time",
        "surcharge",
    ]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.offering.name} at {self.site.name}"

    @property
    def total_recurring(self) -> Decimal:
        return self.net_recurring * self.quantity

    @property
    def total_one_time(self) -> Decimal:
        return (self.net_one_time + self.surcharge) * self.quantity


class QuotedSiteLine(PricedSiteLine):
    """A priced site line that also keeps how its net price was reached (R11): list price,
    the agreement's price, the discount. Quote lines and the contract lines that mirror
    them (R13) are such lines; an order line keeps only the net prices."""

    list_recurring = models.DecimalField(**money)
    list_one_time = models.DecimalField(**money)
    agreement_recurring = models.DecimalField(**money)
    agreement_one_time = models.DecimalField(**money)
    discount_percent = models.DecimalField("discount %", max_digits=5, decimal_places=2)

    # What the contract line takes from its quote line.
    MIRRORED_FIELDS: ClassVar[list[str]] = [
        *PricedSiteLine.MIRRORED_FIELDS,
        "list_recurring",
        "list_one_time",
        "agreement_recurring",
        "agreement_one_time",
        "discount_percent",
    ]

    class Meta:
        abstract = True
