"""CSV imports of accounts as background jobs: upload, then check and write in a django-q2
task that reports its progress on the import record (uploaded -> checking -> writing ->
done | failed)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django_q.tasks import async_task

from telcrm.services import run_transition, save

from ..choices import ImportState
from ..models import AccountImport
from .csv_import import accounts_import_check, accounts_import_write

MAX_REPORTED_ERRORS = 1000  # a report longer than this is cut, saying how many more


def account_import_upload(*, actor, upload: UploadedFile) -> AccountImport:
    """Store an uploaded CSV file and queue its import; the job runs after the commit."""
    with transaction.atomic():
        record = AccountImport(created_by=actor, filename=upload.name[:200], size=upload.size)
        record.file.save("upload.csv", upload, save=False)
        save(record, actor=actor, reason="uploaded")
        transaction.on_commit(
            lambda: async_task(
                "sales.tasks.run_account_import",
                record.pk,
                task_name=f"account-import-{record.pk}",
            )
        )
    return record


def _progress(record: AccountImport, **counts: int) -> None:
    # Progress counters are bookkeeping, not a change anybody made: no history row per tick.
    AccountImport.objects.filter(pk=record.pk).update(**counts)


def _step(record: AccountImport, name: str, **fields) -> AccountImport:
    def prepare(obj: AccountImport) -> None:
        for key, value in fields.items():
            setattr(obj, key, value)

    return run_transition(
        AccountImport, pk=record.pk, name=name, actor=record.created_by, prepare=prepare
    )


def _report(errors: list[tuple[int, str]]) -> list[list]:
    report = [[line, reason] for line, reason in errors[:MAX_REPORTED_ERRORS]]
    if len(errors) > MAX_REPORTED_ERRORS:
        report.append([0, f"… and {len(errors) - MAX_REPORTED_ERRORS} more problems"])
    return report


def account_import_run(import_id: int) -> AccountImport:
    """Check every row, then write them all in small batches, or fail with the report of
    every bad row (nothing written). Safe to run twice: a finished import is left alone, and
    one interrupted while writing continues after its last committed batch."""
    record = AccountImport.objects.select_related("created_by").get(pk=import_id)
    if not record.running:
        return record
    if record.state == ImportState.UPLOADED:
        record = _step(record, "start_check")
    with record.file.open("rb") as handle:
        data = handle.read()
    checking = record.state == ImportState.CHECKING
    result = accounts_import_check(
        actor=record.created_by,
        data=data,
        on_progress=(lambda n: _progress(record, rows_checked=n)) if checking else None,
    )
    if not result.ok:
        return _step(record, "fail", errors=_report(result.errors))
    if checking:
        total = len(result.plan.rows)
        record = _step(record, "start_write", rows_total=total, rows_checked=total)

    def on_batch(written: dict[str, int]) -> None:
        AccountImport.objects.filter(pk=record.pk).update(
            written_refs=written, rows_written=len(written)
        )

    write = accounts_import_write(
        actor=record.created_by, plan=result.plan, written=record.written_refs, on_batch=on_batch
    )
    if write.errors:
        return _step(record, "fail", errors=_report(write.errors))
    return _step(record, "finish")
