"""Demo leads and opportunities: every lead state and every open or lost stage.

Closed won needs a confirmed, signed quote (R5), which the CPQ stage brings; until then the
demo has no won deal."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .. import services
from ..models import Account, Lead, LeadLine, Opportunity, OpportunityLine, ProductOffering

# company, contact, e-mail, source, owner, state, description, value, lines, extra
# line: (offering code or None, description, quantity, characteristics, manual estimate)
LEADS = [
    (
        "Hafenlogistik Kiel GmbH",
        "Maren Lüth",
        "m.lueth@hafenlogistik-kiel.de",
        "web",
        "sara",
        "new",
        "Asked for a callback about internet for the new terminal office.",
        None,
        [],
        {},
    ),
    (
        "Bäckerei Kamps Filialnetz",
        "Uwe Brandes",
        "u.brandes@kamps-filialen.de",
        "campaign",
        "tom",
        "working",
        "40 shops on consumer DSL; wants central management and guest Wi-Fi.",
        "90000",
        [
            ("SDWAN", "", 12, {"bandwidth": "50", "access_type": "copper"}, None),
            (None, "Guest Wi-Fi captive portal for 40 shops", 1, {}, "12000"),
        ],
        {},
    ),
    (
        "Stadtbibliothek Hamburg",
        "Dr. Ilse Paulsen",
        "i.paulsen@buecherhallen.example",
        "referral",
        "sara",
        "qualified",
        "Public internet for reading rooms plus firewalling.",
        "40000",
        [("DIA", "", 1, {"bandwidth": "500"}, None), ("MFW", "", 1, {}, None)],
        {},
    ),
    (
        "Autohaus Nord",
        "Kai Petersen",
        "k.petersen@autohaus-nord.example",
        "event",
        "sara",
        "disqualified",
        "Met at CeBIT successor fair; three branches.",
        "15000",
        [],
        {"reason": "Budget frozen until 2028."},
    ),
    (
        "Alpenbank AG",
        "Katharina Huber",
        "k.huber@alpenbank.de",
        "existing",
        "sara",
        "converted",
        "SD-WAN for the Innsbruck branch and the Munich head office.",
        "60000",
        [("SDWAN", "", 2, {"bandwidth": "200", "sdwan_license": "advanced"}, None)],
        {
            "account": "Alpenbank AG",
            "opportunity": "Alpenbank branch SD-WAN",
            "days": 45,
            "stage": ["to_proposal"],
        },
    ),
    (
        "Weserklinik Bremen gGmbH",
        "Dr. Jens Ahlers",
        "j.ahlers@weserklinik.example",
        "partner",
        "tom",
        "converted",
        "Hospital campus: fiber internet, SIP trunk for the PBX.",
        "70000",
        [
            ("DIA", "", 1, {"bandwidth": "200", "access_type": "copper"}, None),
            ("SIP", "", 1, {"sip_channels": "60", "did_numbers": "200"}, None),
        ],
        {
            "new_account": {
                "name": "Weserklinik Bremen gGmbH",
                "site_name": "Klinikum Campus Nord",
                "address_line1": "Am Wall 140",
                "postcode": "28195",
                "city": "Bremen",
                "country": "DE",
            },
            "opportunity": "Weserklinik campus connectivity",
            "days": 75,
            "stage": [],
        },
    ),
]

# account, name, owner, days to close, stages, lines
OPPORTUNITIES = [
    (
        "Nordwind Logistik GmbH",
        "Nordwind 1 Gbit/s internet upgrade",
        "sara",
        20,
        ["to_proposal", "to_negotiation"],
        [
            (
                "DIA",
                "",
                1,
                {"bandwidth": "1000", "pop_redundancy": "dual"},
                None,
                "Nordwind HQ Hamburg",
            )
        ],
    ),
    (
        "Hansa Media Group",
        "Hansa studios MPLS network",
        "mia",
        100,
        [],
        [
            ("MPLS", "", 2, {"bandwidth": "500", "class_of_service": "real_time"}, None, None),
            (None, "Broadcast contribution links (to be specified)", 1, {}, "36000", None),
        ],
    ),
    (
        "Nordwind Logistik GmbH",
        "Warehouse Wi-Fi Bremen",
        "sara",
        60,
        ["to_proposal"],
        [("WIFI", "", 1, {"access_points": "24"}, None, "Nordwind Warehouse Bremen")],
    ),
    (
        "Rheinwerk Maschinenbau AG",
        "Rheinwerk plant connectivity",
        "tom",
        -10,
        ["to_proposal", "close_lost"],
        [("ELINE", "", 1, {"bandwidth": "1000"}, None, None)],
    ),
]


def _line(model, offering_code, description, quantity, characteristics, estimate, **extra):
    offering = ProductOffering.objects.get(code=offering_code) if offering_code else None
    return model(
        offering=offering,
        description=description,
        quantity=quantity,
        characteristics=characteristics,
        manual_estimate=Decimal(estimate) if estimate else None,
        **extra,
    )


def load(users, log) -> None:
    if Lead.objects.exists() or Opportunity.objects.exists():
        return
    today = timezone.localdate()
    for company, contact, email, source, owner, state, description, value, lines, extra in LEADS:
        user = users[owner]
        lead = services.lead_save(
            actor=user,
            lead=Lead(
                company_name=company,
                contact_name=contact,
                contact_email=email,
                source=source,
                description=description,
                owner=user,
                team=user.sales_teams.first(),
                estimated_value=Decimal(value) if value else None,
            ),
            lines=[_line(LeadLine, *spec) for spec in lines],
        )
        path = {
            "working": ["start_work"],
            "qualified": ["start_work", "qualify"],
            "converted": ["start_work", "qualify"],
            "disqualified": ["start_work", "disqualify"],
        }.get(state, [])
        for name in path:
            services.lead_transition(
                actor=user, lead_id=lead.pk, name=name, reason=extra.get("reason", "")
            )
        if state == "converted":
            account = None
            if "account" in extra:
                account = Account.objects.get(name=extra["account"], parent=None)
            opportunity = services.lead_convert(
                actor=user,
                lead_id=lead.pk,
                account=account,
                new_account=extra.get("new_account"),
                opportunity_name=extra["opportunity"],
                expected_close_date=today + timedelta(days=extra["days"]),
            )
            for name in extra["stage"]:
                services.opportunity_transition(
                    actor=user, opportunity_id=opportunity.pk, name=name
                )
        log(f"lead {lead}")
    for account_name, name, owner, days, stages, lines in OPPORTUNITIES:
        user = users[owner]
        account = Account.objects.get(name=account_name, parent=None)
        opportunity = services.opportunity_save(
            actor=user,
            opportunity=Opportunity(
                name=name,
                account=account,
                owner=account.owner,
                team=account.team,
                expected_close_date=today + timedelta(days=days),
            ),
        )
        for *spec, site_name in lines:
            site = Account.objects.get(name=site_name) if site_name else None
            services.opportunity_line_save(
                actor=user, line=_line(OpportunityLine, *spec, opportunity=opportunity, site=site)
            )
        for stage in stages:
            services.opportunity_transition(
                actor=user,
                opportunity_id=opportunity.pk,
                name=stage,
                reason="Lost to the incumbent on price; revisit at contract end.",
            )
        log(f"opportunity {opportunity}")
