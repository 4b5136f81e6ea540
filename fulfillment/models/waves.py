"""Staggered fulfillment (R20): sites released together."""

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orders.models import Order
from sales.models import Account
from telcrm.models import BadgeMixin, History

from ..choices import (
    WaveState,
)


class Wave(BadgeMixin, ConcurrentTransitionMixin, models.Model):
    """Staggered fulfillment (R20): some sites of a multi-site order released together. The
    tasks of a waiting wave's sites are not made ready. A wave with a planned date is
    released on that date; one without, when the wave before it has nothing left to work
    on; the order manager may release the next wave early."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="waves")
    position = models.PositiveSmallIntegerField()
    sites = models.ManyToManyField(Account, related_name="+")
    planned_date = models.DateField(null=True, blank=True)
    state = FSMField(default=WaveState.WAITING, choices=WaveState.choices, protected=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    history = History(m2m_fields=[sites])

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"], name="%(app_label)s_%(class)s_position"
            ),
        ]

    def __str__(self) -> str:
        return f"Wave {self.position} of {self.order.number}"

    @transition(
        field=state, source=WaveState.WAITING, target=WaveState.RELEASED, custom={"internal": True}
    )
    def release(self) -> None:
        """Its date came, the wave before it ran out of work, or the order manager said so."""

    @transition(
        field=state, source=WaveState.RELEASED, target=WaveState.DONE, custom={"internal": True}
    )
    def finish(self) -> None:
        """Every task of its sites is done."""
