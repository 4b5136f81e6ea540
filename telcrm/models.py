"""Project-wide base records: number sequences and sales teams."""

from django.conf import settings
from django.db import models, transaction
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class NumberSequence(models.Model):
    """The last number handed out for one prefix (ACC-, LEAD-, ...); numbers are never reused."""

    prefix = models.CharField(max_length=10, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "number sequence"

    def __str__(self) -> str:
        return f"{self.prefix}{self.last_value:06d}"


def next_number(prefix: str, width: int = 6) -> str:
    """Hand out the next human-readable number for ``prefix``, e.g. ``ACC-000042``.

    The sequence row is locked until the caller's transaction ends, so two
    concurrent creations never share a number, and a rolled-back number is
    simply skipped (never reused).
    """
    with transaction.atomic():
        seq, _ = NumberSequence.objects.select_for_update().get_or_create(prefix=prefix)
        seq.last_value += 1
        seq.save(update_fields=["last_value"])
    return f"{prefix}{seq.last_value:0{width}d}"


def next_numbers(prefix: str, count: int, width: int = 6) -> list[str]:
    """Hand out ``count`` consecutive numbers at once (bulk imports): one locked update of
    the sequence row instead of one per record; the lock is held as in :func:`next_number`."""
    with transaction.atomic():
        seq, _ = NumberSequence.objects.select_for_update().get_or_create(prefix=prefix)
        first = seq.last_value + 1
        seq.last_value += count
        seq.save(update_fields=["last_value"])
    return [f"{prefix}{value:0{width}d}" for value in range(first, first + count)]


class ExternalActorHistory(models.Model):
    """A base for the history rows of records someone who is not a user of ours changes (a
    customer's signatory signing through a link). The service sets ``obj._history_actor`` to
    who they are; the row then names them, and no user, as the one who acted."""

    history_actor = models.CharField("acted by (not a user)", max_length=150, blank=True)

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _name_external_actor(sender, instance, history_instance, **kwargs) -> None:
    actor = getattr(instance, "_history_actor", "")
    if actor and isinstance(history_instance, ExternalActorHistory):
        history_instance.history_actor = actor[:150]
        history_instance.history_user = None


class Team(models.Model):
    """A sales team: its members see each other's accounts, its manager sees them all (R29)."""

    name = models.CharField(max_length=100, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_teams",
        null=True,
        blank=True,
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="sales_teams", blank=True
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
