"""Reads that stay fast on big tables, shared by every app's lists.

- ``count_of`` and ``sum_of``: a figure per row (children, lines, amount) as a correlated
  subquery, evaluated only for the rows of the page. An aggregate over a join (``Count``,
  ``Sum``) would group the whole table before the page is cut, and its count query would
  group it again: at 300,000 leads that is seconds per page.
- ``FlatPaginator``: pages the back half of a list by reading it backwards, so the last page
  costs what the first one does instead of skipping every row before it; and counts a list
  only up to ``COUNT_CAP`` rows (a list with more says "more than 2,000", as CRM list views
  do), since counting every one of 300,000 rows costs more than showing a page of them.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    Expression,
    F,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property


def count_of(related: models.QuerySet, link: str, distinct: str = "") -> Subquery:
    """The number of rows of ``related`` whose ``link`` is the outer row, as an integer
    (or of their different values of ``distinct``).

    ``count_of(Account.objects.all(), "parent")`` -> the outer account's child accounts."""
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    rows = (
        related.order_by()
        .filter(**{link: OuterRef("pk")})
        .values(link)
        .annotate(n=counted)
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


# A list counts its rows up to this many; past it, it says "more than" (see FlatPaginator).
COUNT_CAP = 2_000


class AmongSubquery(Func):
    """``column`` is one of the values the subquery returns.

    On PostgreSQL written ``column = ANY(ARRAY(subquery))``: the subquery runs once and its
    values probe the column's index, so a search box's ``OR`` of several indexed conditions
    becomes one bitmap scan (0.3 ms at 50,000 opportunities). ``column IN (subquery)`` inside
    an ``OR`` is checked row by row instead (40 ms). Other databases get the ``IN``."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, queryset: QuerySet):
        super().__init__(F(column), Subquery(queryset))

    def as_sql(self, compiler, connection, **extra_context):
        column, queryset = self.get_source_expressions()
        lhs, lhs_params = compiler.compile(column)
        rhs, rhs_params = compiler.compile(queryset)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)


def keys_first(rows, start: int, stop: int):
    """``rows[start:stop]``, the keys of the page chosen first: the rows of a list that joins
    its related records (``select_related``) or computes figures per row are read as
    ``pk = ANY(the page's keys, in order, sliced)``, so the database sorts and cuts the narrow
    rows of the filter and joins and computes for the page's rows alone. Sorting 10,000 tasks
    joined to their order, customer and site before cutting 50 took 100 ms; this, 5."""
    if (
        isinstance(rows, models.QuerySet)
        and not rows.query.combinator
        and not rows.query.distinct
        and (rows.query.select_related or rows.query.annotations)
    ):
        keys = rows.values("pk")[start:stop]
        return rows.filter(AmongSubquery(rows.model._meta.pk.attname, keys))
    return rows[start:stop]


def first_rows(rows, count: int) -> list:
    """The first ``count`` rows of a short list (a home panel's), keys first."""
    return list(keys_first(rows, 0, count))


class FlatPaginator(Paginator):
    """A ``Paginator`` whose pages past the middle are read from the end: the ordering is
    reversed (it must end in a unique column, as every list's does), the offset counted from
    the end, and the rows turned back. A deep page then costs no more than an early one.

    A queryset is counted only up to ``count_cap`` rows. Past that the list is *open*: its
    pages are read forwards and know only whether another follows (one row more is read),
    and its last page (``LAST``, asked for as ``?page=last``) is read backwards from the end.
    """

    # The last column of an ordering that no two rows share: reversing it gives the same
    # pages backwards. A list sorted on anything else is paged forwards only.
    UNIQUE_LAST = ("pk", "id", "number")
    # The page number of an open list's last page.
    LAST = -1

    # How many rows a list counts before it says "more than" (``None``: all of them).
    count_cap: int | None = COUNT_CAP

    @cached_property
    def count(self) -> int:
        """The number of rows; for an open list, ``count_cap`` + 1."""
        rows = self.object_list
        if self.count_cap and isinstance(rows, models.QuerySet):
            if not rows.query.combinator:  # a UNION's columns are its own
                rows = rows.values("pk")
            return rows.order_by()[: self.count_cap + 1].count()
        return super().count

    @property
    def is_open(self) -> bool:
        """More rows than the list counts: it says "more than ``count_cap``"."""
        return bool(self.count_cap) and self.count > self.count_cap

    @cached_property
    def num_pages(self) -> int:
        # An open list's last page is read from the end (``?page=last`` asks for it).
        return self.LAST if self.is_open else super().num_pages

    @property
    def has_last_link(self) -> bool:
        """A counted list reaches its last page by number; an open one only backwards."""
        return not self.is_open or self.reversible

    def validate_number(self, number) -> int:
        if not self.is_open:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("That page number is not an integer") from exc
        if number < 1 and number != self.LAST:
            raise EmptyPage("That page number is less than 1")
        return number

    @property
    def reversible(self) -> bool:
        """Its ordering ends in a unique column: it can be read backwards."""
        rows = self.object_list
        ordering = rows.query.order_by if isinstance(rows, models.QuerySet) else ()
        return bool(ordering) and str(ordering[-1]).lstrip("-") in self.UNIQUE_LAST

    def get_page(self, number) -> Page:
        """A page for a number from a URL, whatever it holds: ``"last"`` is the last page, a
        number that is not one the first, one past the end the last (as Django's does)."""
        if number == "last":
            number = self.num_pages
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            if self.is_open and not self.reversible:
                return self.page(1)
            return self.page(self.num_pages)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if self.is_open:
            return self._open_page(number)
        rows = self.object_list
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        if number <= (self.num_pages + 1) // 2 or not self.reversible:
            return self._get_page(keys_first(rows, bottom, top), number, self)
        from_end = self.count - top
        backwards = list(keys_first(rows.reverse(), from_end, self.count - bottom))
        backwards.reverse()
        return self._get_page(backwards, number, self)

    def _open_page(self, number: int) -> Page:
        if number == self.LAST:
            if not self.reversible:
                raise EmptyPage("This list can only be paged forwards")
            rows = list(keys_first(self.object_list.reverse(), 0, self.per_page))
            rows.reverse()
            return OpenPage(rows, number, self, more=False)
        bottom = (number - 1) * self.per_page
        rows = list(keys_first(self.object_list, bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return OpenPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class OpenPage(Page):
    """A page of a list with more rows than it counts: it knows its rows, whether another page
    follows, and whether it is the last one (read from the end)."""

    def __init__(self, object_list, number: int, paginator: FlatPaginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    @property
    def is_last(self) -> bool:
        return self.number == FlatPaginator.LAST

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.is_last or self.number > 1

    def has_other_pages(self) -> bool:
        return True

    def previous_page_number(self) -> int:
        if self.is_last:
            raise EmptyPage("The last page of a list this long has no number")
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def start_index(self) -> int:
        return 0 if self.is_last else (self.number - 1) * self.paginator.per_page + 1

    def end_index(self) -> int:
        return 0 if self.is_last else self.start_index() + len(self.object_list) - 1
