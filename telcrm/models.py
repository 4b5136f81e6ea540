"""Project-wide base records: number sequences and sales teams; the audit trail of users,
their roles and team memberships."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from simple_history import register
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .audit_chain import ChainedHistory
from .choices import badge_colour


class History(HistoricalRecords):
    """simple-history's ``HistoricalRecords`` whose rows are chained (see
    :mod:`telcrm.audit_chain`): every business model declares ``history = History()``."""

    def __init__(self, *args, bases=(models.Model,), **kwargs):
        bases = tuple(b for b in bases if b is not models.Model)
        super().__init__(*args, bases=(*bases, ChainedHistory), **kwargs)


class AuditChainCheck(models.Model):
    """The outcome of the last verification of one record type's history chains
    (``manage.py audit_verify`` and its schedule): the audit log shows it instead of
    verifying 100,000s of rows on each view."""

    kind = models.CharField("record type", max_length=100, primary_key=True)
    checked_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    unhashed = models.PositiveIntegerField("rows from before the chain", default=0)
    verified_up_to = models.DateTimeField(null=True, blank=True)
    last_history_id = models.BigIntegerField(default=0)
    # XOR of the hashes of every row up to last_history_id: the next verification finds the
    # same, or a row it had verified is gone (the newest rows of a record have no successor
    # whose link would break).
    hashes_xor = models.CharField(max_length=64, blank=True, default="")
    broken_history_id = models.BigIntegerField(null=True, blank=True)
    broken_record = models.CharField(max_length=100, blank=True, default="")
    broken_at = models.DateTimeField(null=True, blank=True)
    broken_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "audit chain check"
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.kind


class AuditedM2MHistory(History):
    """History that also follows many-to-many changes made from the other side
    (``user.sales_teams.add(team)``, ``group.user_set.add(user)``): each record whose set
    changed gets its history row, instead of failing on a model without history."""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if action == "pre_clear":
            instance._audited_clear = list(getattr(instance, self._reverse_name(attr)).all())
            return
        if action in ("post_add", "post_remove") and pk_set:
            records = list(self.cls._default_manager.filter(pk__in=pk_set))
        elif action == "post_clear":
            records = instance.__dict__.pop("_audited_clear", [])
        else:
            return
        for record in records:
            if hasattr(instance, "_history_user"):  # who a service named as acting
                record._history_user = instance._history_user
            super().m2m_changed(record, action, attr, pk_set, False, **kwargs)

    def _reverse_name(self, attr: str) -> str:
        return self.cls._meta.get_field(attr).remote_field.get_accessor_name()


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

    The sequence row is locked until the caller's transaction ends, so two concurrent
    creations never share a number. When the caller's transaction rolls back, the sequence
    rolls back with it and the same number is handed out next time: numbers stay unique.
    A gap is left only when a number taken in one transaction goes unused after it
    committed; nothing relies on numbers being consecutive.
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


class NumberedModel(models.Model):
    """A record with a human-readable number (``ORD-000042``) taken from the sequence of
    its ``number_prefix`` when it is first saved (see :func:`next_number`). The subclass
    declares the ``number`` field itself (its length and constraints are its own)."""

    number_prefix: ClassVar[str] = ""
    number_width: ClassVar[int] = 6
    number_field: ClassVar[str] = "number"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not getattr(self, self.number_field):
            number = next_number(self.number_prefix, width=self.number_width)
            setattr(self, self.number_field, number)
        super().save(*args, **kwargs)


class BadgeMixin:
    """``badge``: the colour of the record's state badge, from its state field's choices
    (:class:`telcrm.choices.Badge` labels)."""

    badge_field: ClassVar[str] = "state"

    @property
    def badge(self) -> str:
        field = self._meta.get_field(self.badge_field)
        return badge_colour(field, getattr(self, self.badge_field))


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
    history = AuditedM2MHistory(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Users and their roles (group membership) are audited like business records (R27). The
# password hash is never copied into the history: a change shows as "Password changed".
# Logins (last_login) and a hash upgraded at login are not changes anybody made.
register(
    User,
    app="telcrm",
    records_class=AuditedM2MHistory,
    m2m_fields=["groups"],
    excluded_fields=["password", "last_login"],
)

PASSWORD_CHANGED = "Password changed"
_NOT_AUDITED = ({"last_login"}, {"password"})


def _note_password_change(sender, instance: User, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) in _NOT_AUDITED:
        instance.skip_history_when_saving = True
        return
    if instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if before is not None and before != instance.password:
        instance._change_reason = PASSWORD_CHANGED


def _forget_audit_flags(sender, instance: User, **kwargs) -> None:
    instance.__dict__.pop("skip_history_when_saving", None)
    if instance.__dict__.get("_change_reason") == PASSWORD_CHANGED:
        del instance._change_reason


pre_save.connect(_note_password_change, sender=User, dispatch_uid="telcrm_user_password_audit")
post_save.connect(_forget_audit_flags, sender=User, dispatch_uid="telcrm_user_audit_flags")
