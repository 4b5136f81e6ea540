"""An upload of accounts from CSV, imported by a background job with its progress and report."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from telcrm.models import BadgeMixin, History

from ..choices import ImportState
from ..querysets import AccountImportQuerySet

RUNNING = (ImportState.UPLOADED, ImportState.CHECKING, ImportState.WRITING)


def import_path(record: "AccountImport", filename: str) -> str:
    # The uploader's file name is shown, never used as a path.
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.csv"


class AccountImport(BadgeMixin, ConcurrentTransitionMixin, models.Model):
    """A CSV file of accounts and what became of it: every row is checked first, then all
    rows are written in small batches, or none when any row is bad (the report names each).

    ``written_refs`` maps each written row's ``ref`` to its account, saved in the same
    transaction as the batch: a job run again after a killed worker continues there."""

    file = models.FileField(upload_to=import_path, editable=False)
    filename = models.CharField("file name", max_length=200)
    size = models.PositiveIntegerField(default=0)
    state = FSMField(default=ImportState.UPLOADED, choices=ImportState.choices, protected=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[row, reason] pairs")
    written_refs = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = History(excluded_fields=["written_refs"])
    objects = AccountImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_written__lte=models.F("rows_total")),
                name="%(app_label)s_%(class)s_written_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Import of {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("sales:account_import_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    @transition(
        field=state,
        source=ImportState.UPLOADED,
        target=ImportState.CHECKING,
        custom={"internal": True},
    )
    def start_check(self) -> None:
        """The job picked the file up."""

    @transition(
        field=state,
        source=ImportState.CHECKING,
        target=ImportState.WRITING,
        custom={"internal": True},
    )
    def start_write(self) -> None:
        """Every row is good: write them."""

    @transition(
        field=state, source=ImportState.WRITING, target=ImportState.DONE, custom={"internal": True}
    )
    def finish(self) -> None:
        self.finished_at = timezone.now()

    @transition(
        field=state, source=list(RUNNING), target=ImportState.FAILED, custom={"internal": True}
    )
    def fail(self) -> None:
        self.finished_at = timezone.now()
