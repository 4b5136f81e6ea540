"""Demo customers of a mid-size European business telco: complete hierarchies ready for
quoting, incomplete ones, and accounts in every state."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from telcrm.models import Team

from .. import services
from ..catalog_io import catalog_import
from ..models import Account, BillingProfile, Contact, Location, ProductOffering
from . import agreements as demo_agreements
from . import pipeline as demo_pipeline
from . import quotes as demo_quotes
from .catalog import CATALOG

# name, industry, owner, team, state, credit limit, legal address, sites, contacts, billing
# site: (name, address or None) — None leaves the site without a location (incomplete tree)
CUSTOMERS = [
    {
        "name": "Nordwind Logistik GmbH",
        "industry": "logistics",
        "owner": "sara",
        "team": "Enterprise North",
        "state": "active",
        "credit": "250000",
        "vat": "DE811234567",
        "address": ("Am Sandtorkai 50", "20457", "Hamburg", "DE", "HAM-HQ"),
        "sites": [
            ("Nordwind HQ Hamburg", ("Am Sandtorkai 50", "20457", "Hamburg", "DE", "HAM-01")),
            (
                "Nordwind Warehouse Bremen",
                ("Ludwig-Erhard-Str. 12", "28197", "Bremen", "DE", "BRE-01"),
            ),
            (
                "Nordwind Depot Hannover",
                ("Vahrenwalder Str. 269", "30179", "Hannover", "DE", "HAN-01"),
            ),
        ],
        "contacts": [
            ("Henrik", "Jansen", "h.jansen@nordwind-logistik.de", "CIO", True),
            ("Lea", "Brandt", "l.brandt@nordwind-logistik.de", "IT infrastructure lead", False),
        ],
        "billing": ("EUR", "direct_debit", 1, "email", "invoices@nordwind-logistik.de"),
    },
    {
        "name": "Alpenbank AG",
        "industry": "finance",
        "owner": "sara",
        "team": "Enterprise North",
        "state": "active",
        "credit": "1000000",
        "vat": "DE298765432",
        "address": ("Maximilianstr. 8", "80539", "München", "DE", "MUC-HQ"),
        "sites": [
            (
                "Alpenbank Head Office München",
                ("Maximilianstr. 8", "80539", "München", "DE", "MUC-01"),
            ),
            (
                "Alpenbank Branch Innsbruck",
                ("Maria-Theresien-Str. 18", "6020", "Innsbruck", "AT", "INN-01"),
            ),
            (
                "Alpenbank Data Centre Frankfurt",
                ("Hanauer Landstr. 302", "60314", "Frankfurt am Main", "DE", "FRA-DC1"),
            ),
        ],
        "contacts": [
            ("Katharina", "Huber", "k.huber@alpenbank.de", "Head of procurement", True),
            ("Stefan", "Maier", "s.maier@alpenbank.de", "Network architect", False),
        ],
        "billing": ("EUR", "bank_transfer", 15, "edi", ""),
    },
    {
        "name": "Hansa Media Group",
        "industry": "media",
        "owner": "mia",
        "team": "Enterprise North",
        "state": "active",
        "credit": "150000",
        "vat": "DE145678901",
        "address": ("Friedrichstr. 68", "10117", "Berlin", "DE", "BER-HQ"),
        "sites": [
            ("Hansa Studio Berlin", ("Friedrichstr. 68", "10117", "Berlin", "DE", "BER-01")),
            ("Hansa Studio Köln", ("Schanzenstr. 22", "51063", "Köln", "DE", "CGN-01")),
        ],
        "contacts": [("Jonas", "Richter", "j.richter@hansa-media.de", "Managing director", True)],
        "billing": ("EUR", "direct_debit", 5, "portal", ""),
    },
    {
        "name": "Rheinwerk Maschinenbau AG",
        "industry": "manufacturing",
        "owner": "tom",
        "team": "Enterprise South",
        "state": "prospect",
        "credit": "300000",
        "vat": "",
        "address": ("Industriestr. 4", "47829", "Krefeld", "DE", "KRE-HQ"),
        "sites": [
            ("Rheinwerk Plant 1 Krefeld", ("Industriestr. 4", "47829", "Krefeld", "DE", "KRE-P1")),
            ("Rheinwerk Plant 2 Duisburg", None),
        ],
        "contacts": [("Markus", "Vogel", "m.vogel@rheinwerk.de", "Plant IT manager", False)],
        "billing": None,
    },
    {
        "name": "Klinikum Süd gGmbH",
        "industry": "healthcare",
        "owner": "tom",
        "team": "Enterprise South",
        "state": "prospect",
        "credit": "0",
        "vat": "",
        "address": ("Breisacher Str. 153", "79110", "Freiburg", "DE", ""),
        "sites": [],
        "contacts": [("Anna", "Keller", "a.keller@klinikum-sued.de", "IT director", True)],
        "billing": None,
    },
    {
        "name": "Stadtwerke Lübeck",
        "industry": "energy",
        "owner": "sara",
        "team": "Enterprise North",
        "state": "suspended",
        "credit": "80000",
        "vat": "DE112233445",
        "address": ("Moislinger Allee 9", "23558", "Lübeck", "DE", "LUE-HQ"),
        "sites": [
            (
                "Stadtwerke Umspannwerk Nord",
                ("Roggenhorster Str. 5", "23556", "Lübeck", "DE", "LUE-02"),
            )
        ],
        "contacts": [
            ("Birgit", "Hoffmann", "b.hoffmann@sw-luebeck.de", "Commercial manager", True)
        ],
        "billing": ("EUR", "bank_transfer", 20, "post", ""),
    },
    {
        "name": "Café Central Kette GmbH",
        "industry": "hospitality",
        "owner": "tom",
        "team": "Enterprise South",
        "state": "closed",
        "credit": "20000",
        "vat": "",
        "address": ("Marienplatz 1", "80331", "München", "DE", ""),
        "sites": [
            ("Café Central Marienplatz", ("Marienplatz 1", "80331", "München", "DE", "MUC-C1"))
        ],
        "contacts": [("Lukas", "Berger", "l.berger@cafe-central.de", "Owner", True)],
        "billing": None,
    },
    {
        "name": "EduNet Schulverbund Nord",
        "industry": "education",
        "owner": "sara",
        "team": "Enterprise North",
        "state": "prospect",
        "credit": "50000",
        "vat": "",
        "address": ("Schulstr. 3", "24103", "Kiel", "DE", "KIE-HQ"),
        "sites": [
            ("Gymnasium Kiel-Mitte", ("Schulstr. 3", "24103", "Kiel", "DE", "KIE-01")),
            (
                "Gesamtschule Flensburg",
                ("Friesische Str. 90", "24937", "Flensburg", "DE", "FLE-01"),
            ),
        ],
        "contacts": [
            ("Nina", "Petersen", "n.petersen@edunet-nord.de", "Network coordinator", False)
        ],
        "billing": None,
    },
]

SITE_MANAGERS = [
    ("Jörg", "Albers"),
    ("Sabine", "Krüger"),
    ("Deniz", "Yilmaz"),
    ("Petra", "Lorenz"),
    ("Tobias", "Engel"),
    ("Aylin", "Demir"),
    ("Frank", "Seidel"),
    ("Marta", "Nowak"),
    ("Claudia", "Wolf"),
    ("Felix", "Hartmann"),
    ("Ines", "Baumann"),
    ("Ole", "Thomsen"),
]

STATE_PATH = {"active": ["activate"], "suspended": ["activate", "suspend"], "closed": ["close"]}


def _location(actor, account, address, name=""):
    line1, postcode, city, country, code = address
    services.location_save(
        actor=actor,
        location=Location(
            account=account,
            name=name,
            address_line1=line1,
            postcode=postcode,
            city=city,
            country=country,
            site_code=code,
            is_primary=True,
        ),
    )


def load(log) -> None:
    User = get_user_model()
    if not ProductOffering.objects.exists():
        admin = User.objects.get(username="admin")
        counts = catalog_import(actor=admin, data=CATALOG)
        log(f"catalog: {counts}")
    users = {u.username: u for u in User.objects.all()}
    teams = {t.name: t for t in Team.objects.all()}
    admin = users["admin"]
    for spec in CUSTOMERS:
        if Account.objects.filter(name=spec["name"], parent__isnull=True).exists():
            continue
        owner = users[spec["owner"]]
        root = services.account_create(
            actor=owner,
            account=Account(
                name=spec["name"],
                industry=spec["industry"],
                owner=owner,
                team=teams[spec["team"]],
                vat_number=spec["vat"],
            ),
        )
        # Finance sets the credit limit that order approval checks.
        services.account_set_credit_limit(
            actor=users["fred"],
            account_id=root.pk,
            credit_limit=Decimal(spec["credit"]),
            credit_currency=root.credit_currency,
        )
        _location(owner, root, spec["address"], "Registered office")
        for first, last, email, job, signs in spec["contacts"]:
            services.contact_save(
                actor=owner,
                contact=Contact(
                    account=root,
                    first_name=first,
                    last_name=last,
                    email=email,
                    job_role=job,
                    signing_authority=signs,
                    phone="+49 40 555 0100",
                ),
            )
        for site_name, address in spec["sites"]:
            site = services.account_create(
                actor=owner, account=Account(name=site_name, parent=root, industry=spec["industry"])
            )
            if address:
                _location(owner, site, address)
                first_name, last_name = SITE_MANAGERS[sum(map(ord, site_name)) % len(SITE_MANAGERS)]
                services.contact_save(
                    actor=owner,
                    contact=Contact(
                        account=site,
                        first_name=first_name,
                        last_name=last_name,
                        email=f"site.{address[4].lower()}@{spec['contacts'][0][2].split('@')[1]}",
                        job_role="Site manager",
                        phone="+49 30 555 0199",
                    ),
                )
        if spec["billing"]:
            currency, method, day, delivery, email = spec["billing"]
            services.billing_profile_save(
                actor=owner,
                profile=BillingProfile(
                    account=root,
                    currency=currency,
                    payment_method=method,
                    bill_cycle_day=day,
                    invoice_delivery=delivery,
                    invoice_email=email,
                ),
            )
        for name in STATE_PATH.get(spec["state"], []):
            actor = owner if name == "activate" else users.get("mia", admin)
            services.account_transition(actor=actor, account_id=root.pk, name=name)
        log(f"account {root}")
    demo_pipeline.load(users, log)
    demo_agreements.load(users, log)
    demo_quotes.load(users, log)
