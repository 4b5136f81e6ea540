"""``manage.py audit_verify``: check every history row against its hash and its link to the
record's previous row (R27), print each record type's outcome, and store it for the audit
log. Exits non-zero naming the first broken link."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from telcrm.audit_chain import verify


def _when(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else "—"


class Command(BaseCommand):
    help = "Verify the hash chains of every history table; name the first broken link."

    def handle(self, *args, **options) -> None:
        results = verify()
        for result in results:
            line = f"{result.label}: {result.rows - result.unhashed} rows verified"
            if result.unhashed:
                line += f", {result.unhashed} from before the chain began (not verified)"
            line += f", verified up to {_when(result.verified_up_to)}"
            if result.broken:
                line += " — BROKEN"
            self.stdout.write(line)
        broken = [r for r in results if r.broken]
        if broken:
            first = min(broken, key=lambda r: (r.broken.when is None, r.broken.when))
            link = first.broken
            record = f"record {link.record_id}" if link.record_id is not None else "a record"
            raise CommandError(
                f"Audit chain broken: {first.label} history row {link.history_id} "
                f"({record}, {_when(link.when)}): {link.reason}. "
                f"{len(broken)} record type(s) affected."
            )
        total = sum(r.rows - r.unhashed for r in results)
        self.stdout.write(self.style.SUCCESS(f"Audit chain verified: {total} rows."))
