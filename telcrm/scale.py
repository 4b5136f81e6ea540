"""Growing a database to a telco's size (``manage.py seed_scale``): the named sizes, the
bulk writer every app's ``scale`` module uses, and the people the records are spread over.

Records are written in bulk with their history rows (one "seeded" entry each), their
numbers taken from the same sequences as the app's own (``next_numbers``), so the pages,
the audit log and new records made afterwards behave as on a database grown by use.
"""

import copy
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Model
from django.db.models.base import ModelState
from simple_history.utils import bulk_create_with_history

from .models import NumberedModel, Team, next_numbers

BATCH = 2000
REASON = "seeded"


@dataclass(frozen=True)
class Size:
    """How many rows of each kind a database holds at this size (a floor: seeding adds
    only what is missing)."""

    teams: int
    reps: int
    customers: int  # legal accounts; each has ``sites_per_customer`` site accounts
    sites_per_customer: int
    leads: int
    opportunities: int
    quotes: int
    lines_per_quote: int
    orders: int = 0  # in deals copied from the demo's, with their work and installed base

    @property
    def accounts(self) -> int:
        return self.customers * (1 + self.sites_per_customer)


# telco: the volumes measured at a real telco (100k accounts, 300k leads, 50k
# opportunities, 20k quotes with 100k lines, 10k orders); small for a quick look; large ten
# times telco.
SIZES = {
    "small": Size(4, 12, 250, 3, 3_000, 500, 200, 5, 100),
    "telco": Size(8, 40, 25_000, 3, 300_000, 50_000, 20_000, 5, 10_000),
    "large": Size(20, 200, 250_000, 3, 3_000_000, 500_000, 200_000, 5, 100_000),
}


def bulk(model: type[Model], objs: Sequence[Model], *, numbered: bool = True) -> list[Model]:
    """Insert ``objs`` with one history row each, numbering a ``NumberedModel``'s rows from
    its sequence first. Returns them with their primary keys."""
    objs = list(objs)
    if numbered and issubclass(model, NumberedModel) and objs:
        numbers = next_numbers(model.number_prefix, len(objs), width=model.number_width)
        for obj, number in zip(objs, numbers, strict=True):
            setattr(obj, model.number_field, number)
    made = []
    for start in range(0, len(objs), BATCH):
        made += bulk_create_with_history(
            objs[start : start + BATCH], model, batch_size=BATCH, default_change_reason=REASON
        )
    return made


def missing(model: type[Model], wanted: int, **filters) -> int:
    """How many more rows of ``model`` (matching ``filters``) make ``wanted``."""
    return max(0, wanted - model.objects.filter(**filters).count())


@dataclass
class Crowd:
    """The sales people the seeded records belong to: reps spread over teams, each team
    with its manager, so that visibility (R29) cuts the data as it does in a real telco."""

    reps: list
    teams: list

    def pick(self, rng: random.Random):
        """A rep and the team they sell for."""
        index = rng.randrange(len(self.reps))
        return self.reps[index], self.teams[index % len(self.teams)]


def crowd(size: Size, log: Callable[[str], None]) -> Crowd:
    """The scale teams and reps (``scale-rep-001`` ...), made once; their password is the
    demo password, so a benchmark can sign in as any of them."""
    from .demo import DEMO_PASSWORD

    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    wanted = [f"scale-rep-{i:03d}" for i in range(1, size.reps + 1)]
    have = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new = [
        User(
            username=name,
            first_name="Rep",
            last_name=name.rsplit("-", 1)[1],
            email=f"{name}@telcrm.example",
            password=password,
        )
        for name in wanted
        if name not in have
    ]
    if new:
        User.objects.bulk_create(new, batch_size=BATCH)
        Group.objects.get(name="sales_rep").user_set.add(
            *User.objects.filter(username__in=[u.username for u in new])
        )
    reps = list(User.objects.filter(username__in=wanted).order_by("username"))
    managers = {u.username: u for u in User.objects.filter(username__in=["mia"])}
    teams = []
    for i in range(1, size.teams + 1):
        team, _ = Team.objects.get_or_create(
            name=f"Scale region {i:02d}", defaults={"manager": managers.get("mia", reps[0])}
        )
        teams.append(team)
    for index, rep in enumerate(reps):
        teams[index % len(teams)].members.add(rep)
    if new:
        log(f"{len(new)} reps in {len(teams)} teams")
    return Crowd(reps, teams)


class Copies:
    """Many copies of a set of template records (a whole deal: quote, contract, order,
    work, installed base), written model by model in bulk. Each copy's foreign keys point
    into its own earlier copies; ``outside[i]`` maps what copy ``i`` swaps for rows outside
    the set (the template customer's accounts, locations and contacts for the new
    customer's); a key to anything else (the catalog, templates, groups, users) is kept,
    and ``cleared`` names the keys a copy leaves empty (the template's agreement, say)."""

    def __init__(self, outside: list[dict[tuple[str, int], int]]):
        self.outside = outside
        self.made = [{} for _ in outside]  # per copy: (model label, template pk) -> copy's pk
        self.copied: set[str] = set()
        self.swapped = {label for mapping in outside for label, _ in mapping}

    def copy(
        self,
        model: type[Model],
        rows_for: Callable[[int], Sequence[Model]],
        *,
        cleared: Sequence[str] = (),
        adjust: Callable[[Model, int], None] | None = None,
    ) -> list[Model]:
        label = model._meta.label
        keys = [f for f in model._meta.concrete_fields if f.is_relation and f.name not in cleared]
        objs, origin = [], []
        for i, made in enumerate(self.made):
            for row in rows_for(i):
                obj = copy.copy(row)
                obj.pk = None
                obj._state = ModelState()
                for name in cleared:
                    setattr(obj, model._meta.get_field(name).attname, None)
                for field in keys:
                    old = getattr(row, field.attname)
                    if old is None:
                        continue
                    target = field.related_model._meta.label
                    new = made.get((target, old), self.outside[i].get((target, old)))
                    if new is None and (target in self.copied or target in self.swapped):
                        raise ValueError(f"{label}.{field.name} -> {target} {old} has no copy")
                    if new is not None:
                        setattr(obj, field.attname, new)
                if isinstance(obj, NumberedModel):
                    setattr(obj, obj.number_field, "")
                if adjust:
                    adjust(obj, i)
                objs.append(obj)
                origin.append((i, row.pk))
        made_objs = bulk(model, objs)
        for obj, (i, old) in zip(made_objs, origin, strict=True):
            self.made[i][(label, old)] = obj.pk
        self.copied.add(label)
        return made_objs
