"""Roles are auth groups (R29). ``ROLE_PERMISSIONS`` says what each role may do, and
:func:`sync_roles` makes the groups hold exactly that after every ``migrate`` (and on
``manage.py sync_roles``). Object-level rules (whose records a user sees) live in each
app's querysets; custom permissions are declared in the models' ``Meta``."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

SALES_REP = "sales_rep"
SALES_MANAGER = "sales_manager"
CONTRACT_MANAGER = "contract_manager"
ORDER_MANAGER = "order_manager"
FULFILLMENT_AGENT = "fulfillment_agent"
FIELD_TECHNICIAN = "field_technician"
PROJECT_MANAGER = "project_manager"
SERVICE_OPERATIONS = "service_operations"
FINANCE = "finance"

ROLES: dict[str, str] = {
    SALES_REP: "Sales rep",
    SALES_MANAGER: "Sales manager",
    CONTRACT_MANAGER: "Contract manager",
    ORDER_MANAGER: "Order manager",
    FULFILLMENT_AGENT: "Fulfillment agent",
    FIELD_TECHNICIAN: "Field technician",
    PROJECT_MANAGER: "Project manager",
    SERVICE_OPERATIONS: "Service operations",
    FINANCE: "Finance",
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
        FINANCE,
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


def _perms(app: str, actions: str, *models: str) -> list[str]:
    """``_perms("sales", "view add", "lead", "leadline")``: each action on each model, as
    ``app_label.codename`` strings."""
    return [f"{app}.{action}_{model}" for model in models for action in actions.split()]


# Models that several roles are given together.
ACCOUNT_PARTS = ("account", "location", "contact", "billingprofile")
CATALOG = (
    "productoffering",
    "productspecification",
    "characteristicspecification",
    "pricerule",
    "feasibilityrule",
    "specificationrelationship",
)
CATALOG_RULES = ("offeringeligibility", "offeringcompatibility")
PIPELINE = ("lead", "leadline", "opportunity", "opportunityline")
AGREEMENT = ("salesagreement", "agreementline", "agreementsla", "partnerterm")
QUOTE = ("quote", "quoteline")
DOCUMENTS = ("document", "signingrequest", "signature")
CONTRACTS = (
    "salescontract",
    "salescontractline",
    "servicecontract",
    "entitlement",
    "slacommitment",
    "entitlementrule",
)
ORDER = ("order", "orderline")
LIVE_SERVICE = ("productinventory", "configurationitem", "changerequest", "incident")

# Sales reps and sales managers: their customers from lead to order.
_SALES_PEOPLE = [
    # sales: accounts, pipeline, agreements and quotes; the catalog is read-only
    *_perms("sales", "view add change", *ACCOUNT_PARTS, *PIPELINE),
    *_perms("sales", "view add change delete", *AGREEMENT, *QUOTE),
    *_perms("sales", "view", *CATALOG, *CATALOG_RULES),
    # contracts: send quotes for signature, make the sales contract of a signed quote
    *_perms("contracts", "view", *DOCUMENTS, *CONTRACTS),
    "contracts.add_signingrequest",
    "contracts.add_salescontract",
    # orders: order active contracts, change an order's dates, contacts and notes
    *_perms("orders", "view add", *ORDER),
    "orders.change_order_details",
    # cmdb: the customer's inventory and live service, read-only
    *_perms("cmdb", "view", *LIVE_SERVICE),
    # telcrm: the sales teams
    "telcrm.view_team",
]

# What each role may do. Nobody edits the catalog or the inventory here: administrators
# (staff) manage the catalog in Django admin, orders and closure create the inventory.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    SALES_REP: _SALES_PEOPLE,
    SALES_MANAGER: [
        *_SALES_PEOPLE,
        "sales.close_account",  # suspend and close accounts
        "sales.sign_salesagreement",  # activate (sign) and terminate agreements
        "sales.approve_quote",  # approve or reject discounts
    ],
    CONTRACT_MANAGER: [
        # sales: read the customer and the deal, keep contacts, shape and sign agreements
        *_perms("sales", "view", *ACCOUNT_PARTS),
        *_perms("sales", "add change", "contact"),
        *_perms("sales", "view", "opportunity", "opportunityline", *QUOTE),
        *_perms("sales", "view add change delete", *AGREEMENT),
        "sales.sign_salesagreement",
        *_perms("sales", "view", *CATALOG, *CATALOG_RULES),
        # contracts: every document and contract
        *_perms("contracts", "view", *DOCUMENTS),
        "contracts.add_signingrequest",
        *_perms("contracts", "view add change", *CONTRACTS),
        # orders, cmdb: read-only
        *_perms("orders", "view", *ORDER),
        *_perms("cmdb", "view", *LIVE_SERVICE),
    ],
    ORDER_MANAGER: [
        # sales: read the customer and the deal, keep billing profiles (finance activates)
        *_perms("sales", "view", *ACCOUNT_PARTS),
        *_perms("sales", "add change", "billingprofile"),
        *_perms("sales", "view", "opportunity", "opportunityline", *AGREEMENT, *QUOTE),
        *_perms("sales", "view", *CATALOG, *CATALOG_RULES),
        # contracts: read-only
        *_perms("contracts", "view", *DOCUMENTS, *CONTRACTS),
        # orders: run them, approve or reject them
        *_perms("orders", "view add change", *ORDER),
        "orders.approve_order",
        "orders.change_order_details",
        # fulfillment: start it, work and dispatch tasks, resolve fall-outs, run projects
        *_perms("fulfillment", "view change", "task"),
        *_perms("fulfillment", "view add", "subflow"),
        *_perms("fulfillment", "view change", "fallout", "fieldworkorder", "specialproject"),
        "fulfillment.cancel_line",  # cancel an order line to resolve a fall-out
        # cmdb: read-only
        *_perms("cmdb", "view", *LIVE_SERVICE),
    ],
    FULFILLMENT_AGENT: [
        *_perms("sales", "view", "account", "location", "contact", *CATALOG, *CATALOG_RULES),
        "orders.view_order",
        # fulfillment: work tasks, resolve fall-outs, look at visits and projects
        *_perms("fulfillment", "view change", "task", "fallout"),
        *_perms("fulfillment", "view", "subflow", "fieldworkorder", "specialproject"),
        *_perms("cmdb", "view", *LIVE_SERVICE),
    ],
    FIELD_TECHNICIAN: [
        *_perms("sales", "view", "account", "location", "contact", *CATALOG, *CATALOG_RULES),
        "orders.view_order",
        # fulfillment: work tasks and visits; fall-outs are resolved by others
        *_perms("fulfillment", "view change", "task"),
        *_perms("fulfillment", "view", "subflow", "fallout", "fieldworkorder"),
        *_perms("cmdb", "view", *LIVE_SERVICE),
    ],
    PROJECT_MANAGER: [
        *_perms("sales", "view", "account", "location", "contact", *CATALOG, *CATALOG_RULES),
        "orders.view_order",
        # fulfillment: work tasks, resolve fall-outs, dispatch visits, run special projects
        *_perms("fulfillment", "view change", "task", "fallout"),
        *_perms("fulfillment", "view change", "fieldworkorder", "specialproject"),
        *_perms("fulfillment", "view", "subflow"),
        *_perms("cmdb", "view", *LIVE_SERVICE),
    ],
    SERVICE_OPERATIONS: [
        # sales, contracts: the customer, the catalog and the SLA of an incident, read-only
        *_perms("sales", "view", "account", "location", "contact", *CATALOG),
        "contracts.view_servicecontract",
        # cmdb: item status, change requests (approving others'), incidents
        *_perms("cmdb", "view", *LIVE_SERVICE),
        "cmdb.change_configurationitem",
        *_perms("cmdb", "add change", "changerequest", "incident"),
        "cmdb.approve_changerequest",
    ],
    FINANCE: [
        # sales: every customer's accounts; finance alone sets credit limits and turns
        # billing profiles on and off (with the administrators)
        *_perms("sales", "view", *ACCOUNT_PARTS),
        "sales.set_credit_limit",
        "sales.activate_billingprofile",
        *_perms("sales", "view", *CATALOG, *CATALOG_RULES),
        # orders: the orders whose approval waits for a credit limit or a billing profile
        *_perms("orders", "view", *ORDER),
        # cmdb: the customer's inventory and live service, read-only
        *_perms("cmdb", "view", *LIVE_SERVICE),
    ],
}


class MissingPermissions(Exception):
    """``ROLE_PERMISSIONS`` names permissions that the database does not hold."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(
            f"{len(names)} role permission(s) do not exist (is the database migrated, or is "
            f"a name in ROLE_PERMISSIONS wrong?): {', '.join(names)}"
        )


def sync_roles(*, using: str = "default") -> dict[str, tuple[list[str], list[str]]]:
    """Create the role groups and give each exactly the permissions of ``ROLE_PERMISSIONS``
    (idempotent: a second run changes nothing). Groups that are not roles are left alone.

    Returns what changed: role -> (permissions added, permissions removed). Raises
    :class:`MissingPermissions`, changing nothing, when a named permission does not exist.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db import transaction

    apps = {name.partition(".")[0] for perms in ROLE_PERMISSIONS.values() for name in perms}
    rows = Permission.objects.using(using).filter(content_type__app_label__in=apps)
    ids = {
        f"{app}.{codename}": pk
        for pk, app, codename in rows.values_list("pk", "content_type__app_label", "codename")
    }
    names = {pk: name for name, pk in ids.items()}
    missing = sorted({n for perms in ROLE_PERMISSIONS.values() for n in perms} - ids.keys())
    if missing:
        raise MissingPermissions(missing)
    changes = {}
    with transaction.atomic(using=using):
        for role, perms in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.using(using).get_or_create(name=role)
            wanted = {ids[name] for name in perms}
            held = set(group.permissions.values_list("pk", flat=True))
            if wanted != held:
                group.permissions.set(wanted)
                removed = Permission.objects.using(using).filter(pk__in=held - wanted)
                changes[role] = (
                    sorted(names[pk] for pk in wanted - held),
                    sorted(
                        f"{app}.{codename}"
                        for app, codename in removed.values_list(
                            "content_type__app_label", "codename"
                        )
                    ),
                )
    return changes
