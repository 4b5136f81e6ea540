"""Starting an approved order's work (R20), all sites at once or in waves, and releasing
its next wave."""

from orders.models import Order
from telcrm.fsm import DomainError
from telcrm.views import RecordActionView

from .. import staggering
from ..forms import StartFulfillmentForm


class OrderFulfillmentStartView(RecordActionView):
    """R20: make the sub flows and tasks of an approved, decomposed order."""

    model = Order
    record_name = "order"
    permission_required = "fulfillment.add_subflow"

    def act(self, request):
        form = StartFulfillmentForm(request.POST, sites=staggering.order_sites(self.order.pk))
        if not form.is_valid():
            raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
        data = form.cleaned_data
        flows = staggering.order_fulfillment_start_staggered(
            actor=request.user,
            order_id=self.order.pk,
            mode=data["mode"],
            per_wave=data.get("per_wave"),
            dates=data["dates"],
        )
        waves = self.order.waves.count()
        return (
            f"Fulfillment of {self.order.number} started: {len(flows)} sub flow(s)"
            + (f" in {waves} waves" if waves else "")
            + "; the first tasks are in their groups' queues.",
            # Back to the order, at its work: the order manager follows the order, not a queue.
            f"{self.order.get_absolute_url()}#fulfillment",
        )


class OrderWaveReleaseView(RecordActionView):
    """Staggered fulfillment: the order manager releases the next wave now."""

    model = Order
    record_name = "order"
    fallback_anchor = "#fulfillment"
    permission_required = "fulfillment.add_subflow"

    def act(self, request):
        wave = staggering.wave_release_next(actor=request.user, order_id=self.order.pk)
        return (
            f"Wave {wave.position} of {self.order.number} released: its sites' first "
            "tasks are in their groups' queues.",
            self.fallback_url(),
        )
