"""Roles are auth groups (R29). Each app's data migration grants its own model permissions."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

SALES_REP = "sales_rep"
SALES_MANAGER = "sales_manager"
CONTRACT_MANAGER = "contract_manager"
ORDER_MANAGER = "order_manager"
FULFILLMENT_AGENT = "fulfillment_agent"
FIELD_TECHNICIAN = "field_technician"
PROJECT_MANAGER = "project_manager"
SERVICE_OPERATIONS = "service_operations"

ROLES: dict[str, str] = {
    SALES_REP: "Sales rep",
    SALES_MANAGER: "Sales manager",
    CONTRACT_MANAGER: "Contract manager",
    ORDER_MANAGER: "Order manager",
    FULFILLMENT_AGENT: "Fulfillment agent",
    FIELD_TECHNICIAN: "Field technician",
    PROJECT_MANAGER: "Project manager",
    SERVICE_OPERATIONS: "Service operations",
}

# Roles that work on every customer's records rather than on their own book of business.
SEE_ALL_ROLES = frozenset(
    {
        CONTRACT_MANAGER,
        ORDER_MANAGER,
        FULFILLMENT_AGENT,
        FIELD_TECHNICIAN,
        PROJECT_MANAGER,
        SERVICE_OPERATIONS,
    }
)


def role_names(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_telcrm_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._telcrm_roles = cached
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def sees_everything(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Admins and back-office roles see every customer's records."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or role_names(user) & SEE_ALL_ROLES)


def role_labels(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    labels = [ROLES[name] for name in sorted(role_names(user)) if name in ROLES]
    if user.is_authenticated and user.is_staff:
        labels.append("Administrator")
    return labels


def grant_permissions(apps, grants: dict[str, list[str]]) -> None:
    """For data migrations: give each role (group) the listed ``app_label.codename``
    permissions, creating missing permission rows first (they are normally made only
    after all migrations ran)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
