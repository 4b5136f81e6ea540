"""Reads that stay fast on big tables, shared by every app's lists.

- ``count_of`` and ``sum_of``: a figure per row (children, lines, amount) as a correlated
  subquery, evaluated only for the rows of the page. An aggregate over a join (``Count``,
  ``Sum``) would group the whole table before the page is cut, and its count query would
  group it again: at 300,000 leads that is seconds per page.
- ``FlatPaginator``: pages the back half of a list by reading it backwards, so the last page
  costs what the first one does instead of skipping every row before it.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Expression, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def count_of(related: models.QuerySet, link: str) -> Subquery:
    """The number of rows of ``related`` whose ``link`` is the outer row, as an integer.

    ``count_of(Account.objects.all(), "parent")`` -> the outer account's child accounts."""
    rows = (
        related.order_by()
        .filter(**{link: OuterRef("pk")})
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), Value(0), output_field=models.IntegerField())


def sum_of(related: models.QuerySet, link: str, expression: Expression, output_field) -> Subquery:
    """The sum of ``expression`` over the rows of ``related`` whose ``link`` is the outer row
    (0 when there are none)."""
    rows = (
        related.order_by()
        .filter(**{link: OuterRef("pk")})
        .values(link)
        .annotate(total=Sum(expression))
        .values("total")
    )
    return Coalesce(Subquery(rows), Value(0), output_field=output_field)


class FlatPaginator(Paginator):
    """A ``Paginator`` whose pages past the middle are read from the end: the ordering is
    reversed (it must end in a unique column, as every list's does), the offset counted from
    the end, and the rows turned back. A deep page then costs no more than an early one."""

    # The last column of an ordering that no two rows share: reversing it gives the same
    # pages backwards. A list sorted on anything else is paged forwards only.
    UNIQUE_LAST = ("pk", "id", "number")

    def page(self, number) -> Page:
        number = self.validate_number(number)
        rows = self.object_list
        ordering = rows.query.order_by if isinstance(rows, models.QuerySet) else ()
        total = bool(ordering) and str(ordering[-1]).lstrip("-") in self.UNIQUE_LAST
        if number <= (self.num_pages + 1) // 2 or not total:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        from_end = self.count - top
        backwards = list(rows.reverse()[from_end : self.count - bottom])
        backwards.reverse()
        return self._get_page(backwards, number, self)
