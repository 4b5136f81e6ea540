"""Demo people: one user per role plus an administrator, and two sales teams."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .models import Team

DEMO_PASSWORD = "telcrm-demo"

# username, first name, last name, role (None: administrator)
DEMO_USERS = [
    ("admin", "Ada", "Admin", None),
    ("sara", "Sara", "Lindqvist", "sales_rep"),
    ("tom", "Tom", "Becker", "sales_rep"),
    ("mia", "Mia", "Schneider", "sales_manager"),
    ("clara", "Clara", "Weiss", "contract_manager"),
    ("omar", "Omar", "Haddad", "order_manager"),
    ("fiona", "Fiona", "Novak", "fulfillment_agent"),
    ("tariq", "Tariq", "Aziz", "field_technician"),
    ("paula", "Paula", "Costa", "project_manager"),
    ("sven", "Sven", "Berg", "service_operations"),
    ("nadia", "Nadia", "Petrova", "service_operations"),
    ("fred", "Fred", "Hansen", "finance"),
]


def load(log) -> None:
    User = get_user_model()
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@telcrm.example",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            log(f"user {username} ({role or 'administrator'})")
    users = {u.username: u for u in User.objects.filter(username__in=["sara", "tom", "mia"])}
    for name, members in [("Enterprise North", ["sara"]), ("Enterprise South", ["tom"])]:
        team, created = Team.objects.get_or_create(name=name, defaults={"manager": users["mia"]})
        if created:
            team.members.add(*(users[m] for m in members))
            log(f"team {name}")
