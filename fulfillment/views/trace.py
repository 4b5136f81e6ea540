"""R28: the whole chain of a deal from any of its records, both ways."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from telcrm.views import RolePermissionMixin

from .. import trace


class TraceView(RolePermissionMixin, TemplateView):
    """R28: the whole chain of a deal from any of its records, both ways. The record's own
    view permission decides (403); a record outside the user's view, or an unknown kind, is
    404."""

    template_name = "fulfillment/trace.html"

    def get_permission_required(self):
        kind = trace.KINDS.get(self.kwargs["kind"])
        if kind is None:
            raise Http404("No such kind of record.")
        return (kind.permission,)

    def load(self, request, *args, **kwargs):
        self.record = get_object_or_404(
            trace.visible(kwargs["kind"], request.user), pk=kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        chain = trace.trace_build(self.kwargs["kind"], self.record, self.request.user)
        start = chain.start_node
        return super().get_context_data(
            trace=chain,
            number=start.number,
            breadcrumbs=[(start.number, start.url), ("Trace", "")],
            **kwargs,
        )
