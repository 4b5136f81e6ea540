"""Sales records at a telco's size (``manage.py seed_scale``): customers with their sites,
locations, contacts and billing profiles; leads in every state (the converted ones with
their opportunity); opportunities in every stage; quotes in every state with their lines.

Quote lines are copies of the demo's priced lines put on the new customers' sites, so their
prices and feasibility are the catalog's own.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from telcrm.scale import Crowd, Size, bulk, missing

from .choices import (
    AccountState,
    AccountType,
    Industry,
    LeadSource,
    LeadState,
    QuoteState,
    Stage,
)
from .models import Account, BillingProfile, Contact, Lead, Location, Opportunity, Quote, QuoteLine

CITIES = [
    ("Hamburg", "20", "DE"),
    ("Berlin", "10", "DE"),
    ("München", "80", "DE"),
    ("Köln", "50", "DE"),
    ("Frankfurt am Main", "60", "DE"),
    ("Stuttgart", "70", "DE"),
    ("Düsseldorf", "40", "DE"),
    ("Leipzig", "04", "DE"),
    ("Hannover", "30", "DE"),
    ("Bremen", "28", "DE"),
    ("Wien", "10", "AT"),
    ("Graz", "80", "AT"),
    ("Zürich", "80", "CH"),
    ("Amsterdam", "10", "NL"),
    ("Lyon", "69", "FR"),
    ("Manchester", "M1", "GB"),
]
NAMES = [
    "Nord",
    "Süd",
    "Rhein",
    "Alpen",
    "Hanse",
    "Elbe",
    "Main",
    "Donau",
    "Weser",
    "Spree",
    "Isar",
    "Ostsee",
]
KINDS = ["Logistik", "Bank", "Klinik", "Werke", "Medien", "Handel", "Bau", "Energie", "Versand"]
FORMS = ["GmbH", "AG", "SE", "KG", "GmbH & Co. KG"]
SITE_KINDS = ["Head office", "Warehouse", "Branch", "Plant", "Data centre", "Depot"]
STREETS = ["Hauptstr.", "Bahnhofstr.", "Industriestr.", "Hafenstr.", "Marktplatz", "Ringstr."]
FIRST = ["Anna", "Jonas", "Lea", "Felix", "Mia", "Paul", "Sofia", "Lukas", "Emma", "Ben"]
LAST = ["Müller", "Schmidt", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Koch"]

ACCOUNT_STATES = (
    [AccountState.ACTIVE] * 6
    + [AccountState.PROSPECT] * 3
    + [
        AccountState.SUSPENDED,
        AccountState.CLOSED,
    ]
)
LEAD_STATES = (
    [LeadState.NEW] * 4
    + [LeadState.WORKING] * 3
    + [
        LeadState.QUALIFIED,
        LeadState.DISQUALIFIED,
        LeadState.CONVERTED,
    ]
)
STAGES = (
    [Stage.QUALIFICATION] * 3
    + [Stage.PROPOSAL] * 3
    + [
        Stage.NEGOTIATION,
        Stage.NEGOTIATION,
        Stage.CLOSED_WON,
        Stage.CLOSED_LOST,
    ]
)
PROBABILITY = {
    Stage.QUALIFICATION: 10,
    Stage.PROPOSAL: 40,
    Stage.NEGOTIATION: 70,
    Stage.CLOSED_WON: 100,
    Stage.CLOSED_LOST: 0,
}
QUOTE_STATES = [QuoteState.DRAFT] * 3 + [
    QuoteState.PENDING,
    QuoteState.APPROVED,
    QuoteState.APPROVED,
    QuoteState.ACCEPTED,
    QuoteState.REJECTED,
    QuoteState.CANCELLED,
    QuoteState.EXPIRED,
]


def company(rng: random.Random, serial: int) -> str:
    return f"{rng.choice(NAMES)}{rng.choice(KINDS).lower()} {serial} {rng.choice(FORMS)}"


def grow(size: Size, crowd: Crowd, rng: random.Random, log) -> None:
    customers(size, crowd, rng, log)
    opportunities(size, rng, log)
    leads(size, crowd, rng, log)
    quotes(size, rng, log)


def customers(size: Size, crowd: Crowd, rng: random.Random, log) -> None:
    count = missing(Account, size.customers, account_type=AccountType.LEGAL)
    if not count:
        return
    serial = Account.objects.count()
    legal = []
    for i in range(count):
        owner, team = crowd.pick(rng)
        legal.append(
            Account(
                name=company(rng, serial + i),
                account_type=AccountType.LEGAL,
                owner=owner,
                team=team,
                industry=rng.choice(Industry.values),
                state=rng.choice(ACCOUNT_STATES),
                credit_limit=Decimal(rng.randrange(20, 2000) * 1000),
            )
        )
    legal = bulk(Account, legal)
    sites = [
        Account(
            name=f"{rng.choice(SITE_KINDS)} {n + 1} – {parent.name}",
            account_type=AccountType.CHILD,
            parent=parent,
            root=parent,
            owner=parent.owner,
            team=parent.team,
            industry=parent.industry,
            state=parent.state,
        )
        for parent in legal
        for n in range(size.sites_per_customer)
    ]
    sites = bulk(Account, sites)
    locations = []
    for account in legal + sites:
        city, postcode, country = rng.choice(CITIES)
        locations.append(
            Location(
                account=account,
                name="Main address",
                address_line1=f"{rng.choice(STREETS)} {rng.randrange(1, 200)}",
                city=city,
                postcode=f"{postcode}{rng.randrange(100, 999)}"[:10],
                country=country,
                is_primary=True,
            )
        )
    bulk(Location, locations)
    contacts = []
    for account in legal:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        contacts.append(
            Contact(
                account=account,
                first_name=first,
                last_name=last,
                email=f"{first}.{last}@{account.number.lower()}.example".lower(),
                job_role="IT director",
                signing_authority=True,
            )
        )
    bulk(Contact, contacts)
    profiles = [
        BillingProfile(
            account=account,
            billing_account_number=f"BA-S{account.pk:09d}",
            bill_cycle_day=rng.randrange(1, 29),
        )
        for account in legal
        if account.state in (AccountState.ACTIVE, AccountState.SUSPENDED)
    ]
    bulk(BillingProfile, profiles)
    log(f"{len(legal)} customers with {len(sites)} sites, their locations and contacts")


def _customers_sample(rng: random.Random, limit: int = 20_000) -> list[tuple]:
    """(id, owner, team) of legal accounts to hang opportunities and quotes on."""
    rows = list(
        Account.objects.filter(account_type=AccountType.LEGAL)
        .order_by("-pk")
        .values_list("pk", "owner_id", "team_id")[:limit]
    )
    rng.shuffle(rows)
    return rows


def opportunities(size: Size, rng: random.Random, log) -> None:
    count = missing(Opportunity, size.opportunities)
    if not count:
        return
    today = timezone.localdate()
    accounts = _customers_sample(rng)
    made = []
    for i in range(count):
        account_id, owner_id, team_id = accounts[i % len(accounts)]
        stage = rng.choice(STAGES)
        made.append(
            Opportunity(
                name=f"{rng.choice(['Internet', 'SD-WAN', 'Voice', 'MPLS', 'Wi-Fi'])} "
                f"for {rng.randrange(1, 40)} sites",
                account_id=account_id,
                owner_id=owner_id,
                team_id=team_id,
                stage=stage,
                probability=PROBABILITY[stage],
                expected_close_date=today + timedelta(days=rng.randrange(-180, 365)),
                close_reason="Seeded" if stage in (Stage.CLOSED_WON, Stage.CLOSED_LOST) else "",
            )
        )
    bulk(Opportunity, made)
    log(f"{len(made)} opportunities")


def leads(size: Size, crowd: Crowd, rng: random.Random, log) -> None:
    count = missing(Lead, size.leads)
    if not count:
        return
    free = iter(
        Opportunity.objects.filter(lead__isnull=True).order_by("-pk").values_list("pk", flat=True)
    )
    made = []
    for i in range(count):
        owner, team = crowd.pick(rng)
        state = rng.choice(LEAD_STATES)
        opportunity = next(free, None) if state == LeadState.CONVERTED else None
        if state == LeadState.CONVERTED and opportunity is None:
            state = LeadState.QUALIFIED
        first, last = rng.choice(FIRST), rng.choice(LAST)
        made.append(
            Lead(
                company_name=company(rng, i),
                contact_name=f"{first} {last}",
                contact_email=f"{first}.{last}@lead{i}.example".lower(),
                source=rng.choice(LeadSource.values),
                estimated_value=Decimal(rng.randrange(1, 500) * 1000),
                owner=owner,
                team=team,
                state=state,
                opportunity_id=opportunity,
                disqualify_reason="No budget this year" if state == LeadState.DISQUALIFIED else "",
            )
        )
    bulk(Lead, made)
    log(f"{len(made)} leads")


def quotes(size: Size, rng: random.Random, log) -> None:
    count = missing(Quote, size.quotes)
    templates = list(QuoteLine.objects.exclude(net_recurring=0).order_by("pk")[:20])
    if not count or not templates:
        return
    today = timezone.localdate()
    accounts = _customers_sample(rng)
    made = []
    for i in range(count):
        account_id, owner_id, team_id = accounts[i % len(accounts)]
        state = rng.choice(QUOTE_STATES)
        valid = today + timedelta(days=-10 if state == QuoteState.EXPIRED else rng.randrange(5, 60))
        made.append(
            Quote(
                account_id=account_id,
                owner_id=owner_id,
                team_id=team_id,
                state=state,
                term_months=rng.choice([12, 24, 36, 48, 60]),
                valid_until=valid,
            )
        )
    made = bulk(Quote, made)
    sites: dict[int, list[tuple[int, int]]] = {}
    for site_id, root_id, location_id in Location.objects.filter(
        account__root_id__in={q.account_id for q in made}, is_primary=True
    ).values_list("account_id", "account__root_id", "pk"):
        sites.setdefault(root_id, []).append((site_id, location_id))
    copied = [
        f.attname
        for f in QuoteLine._meta.concrete_fields
        if f.name not in ("id", "quote", "site", "location", "key")
    ]
    lines = []
    for quote in made:
        places = sites.get(quote.account_id, [])
        for k in range(size.lines_per_quote if places else 0):
            template = rng.choice(templates)
            line = QuoteLine(**{name: getattr(template, name) for name in copied})
            line.quote = quote
            line.site_id, line.location_id = places[k % len(places)]
            lines.append(line)
    bulk(QuoteLine, lines)
    log(f"{len(made)} quotes with {len(lines)} lines")
