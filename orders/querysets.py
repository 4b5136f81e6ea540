"""Reads of the orders app: an order is visible like its customer's account (R29)."""

from sales.querysets import CustomerRecordQuerySet


class OrderQuerySet(CustomerRecordQuerySet):
    pass
