"""Demo quotes in every state: approvals waiting, versions to compare, a quote repriced by
its agreement (R7), accepted, rejected, cancelled and expired ones."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .. import services
from ..models import Account, AgreementLine, Opportunity, ProductOffering, Quote, QuoteLine

# account, opportunity (or None), owner, term, lines, steps after the lines
# line: (site, offering code, characteristics, quantity, discount %)
# steps: transition names, "revise" (then the next entry's lines are added to the new
# version), "approve" (by the sales manager), "expire" (valid-until passes first)
QUOTES = [
    (
        "Nordwind Logistik GmbH",
        "Nordwind 1 Gbit/s internet upgrade",
        "sara",
        36,
        [
            ("Nordwind HQ Hamburg", "DIA", {"bandwidth": "1000", "pop_redundancy": "dual"}, 1, "4"),
            ("Nordwind HQ Hamburg", "MFW", {}, 1, "0"),
            ("Nordwind Warehouse Bremen", "SDWAN", {"bandwidth": "200"}, 1, "12"),
            (
                "Nordwind Depot Hannover",
                "SDWAN",
                {"bandwidth": "100", "access_type": "fixed_wireless"},
                1,
                "12",
            ),
        ],
        ["submit"],
    ),
    (
        "Nordwind Logistik GmbH",
        "Warehouse Wi-Fi Bremen",
        "sara",
        36,
        [("Nordwind Warehouse Bremen", "WIFI", {"access_points": "24"}, 1, "5")],
        ["finalise"],
    ),
    (
        "Alpenbank AG",
        "Alpenbank branch SD-WAN",
        "sara",
        48,
        [
            ("Alpenbank Head Office München", "SDWAN", {"bandwidth": "500"}, 1, "5"),
            ("Alpenbank Branch Innsbruck", "SDWAN", {"bandwidth": "100"}, 1, "5"),
        ],
        ["finalise", "revise"],
    ),
    (
        "Hansa Media Group",
        None,
        "mia",
        36,
        [
            ("Hansa Studio Berlin", "MPLS", {"bandwidth": "500"}, 1, "0"),
            ("Hansa Studio Köln", "MPLS", {"bandwidth": "50", "access_type": "copper"}, 1, "0"),
        ],
        ["finalise", "accept"],
    ),
    (
        "Hansa Media Group",
        None,
        "mia",
        36,
        [
            ("Hansa Studio Berlin", "MPLS", {"bandwidth": "1000"}, 1, "8"),
            ("Hansa Studio Köln", "MPLS", {"bandwidth": "1000"}, 1, "8"),
            ("Hansa Studio Köln", "SIP", {"sip_channels": "30"}, 1, "0"),
        ],
        [],
    ),
    (
        "EduNet Schulverbund Nord",
        None,
        "sara",
        24,
        [
            (
                "Gymnasium Kiel-Mitte",
                "DIA",
                {"bandwidth": "100", "access_type": "fixed_wireless"},
                1,
                "0",
            ),
            (
                "Gesamtschule Flensburg",
                "DIA",
                {"bandwidth": "50", "access_type": "satellite"},
                1,
                "0",
            ),
        ],
        ["finalise", "reject"],
    ),
    (
        "Weserklinik Bremen gGmbH",
        "Weserklinik campus connectivity",
        "tom",
        60,
        [
            ("Klinikum Campus Nord", "DIA", {"bandwidth": "200"}, 1, "20"),
            ("Klinikum Campus Nord", "SIP", {"sip_channels": "60", "did_numbers": "200"}, 1, "0"),
        ],
        ["submit", "send_back"],
    ),
    (
        "Weserklinik Bremen gGmbH",
        None,
        "tom",
        36,
        [("Klinikum Campus Nord", "SIP", {"sip_channels": "30"}, 1, "0")],
        ["cancel"],
    ),
    (
        "Stadtwerke Lübeck",
        None,
        "sara",
        36,
        [("Stadtwerke Umspannwerk Nord", "SIP", {"sip_channels": "20"}, 1, "0")],
        ["finalise", "expire"],
    ),
    # Two more Nordwind deals that the contracts demo signs and the orders demo orders.
    (
        "Nordwind Logistik GmbH",
        None,
        "sara",
        36,
        [
            (
                "Nordwind Depot Hannover",
                "DIA",
                {"bandwidth": "100", "access_type": "copper"},
                1,
                "0",
            ),
            ("Nordwind Depot Hannover", "SIP", {"sip_channels": "10"}, 1, "0"),
        ],
        ["finalise"],
    ),
    (
        "Nordwind Logistik GmbH",
        None,
        "sara",
        36,
        [("Nordwind HQ Hamburg", "SIP", {"sip_channels": "30", "did_numbers": "100"}, 1, "0")],
        ["finalise"],
    ),
]

COMMENTS = {
    "send_back": "20 % on DIA is more than we can carry: 10 % at most, please.",
    "approve": "Strategic logistics account; agreed with finance.",
}


def _lines(users, quote: Quote, lines) -> None:
    for site_name, code, characteristics, quantity, discount in lines:
        services.quote_lines_save(
            actor=quote.owner,
            quote=quote,
            lines=[
                QuoteLine(
                    site=Account.objects.get(name=site_name, root=quote.account),
                    offering=ProductOffering.objects.get(code=code),
                    characteristics=characteristics,
                    quantity=quantity,
                    discount_percent=Decimal(discount),
                )
            ],
        )


def load(users, log) -> None:
    if Quote.objects.exists():
        return
    today = timezone.localdate()
    for account_name, opportunity_name, owner, term, lines, steps in QUOTES:
        account = Account.objects.get(name=account_name, parent=None)
        opportunity = Opportunity.objects.get(name=opportunity_name) if opportunity_name else None
        quote = services.quote_create(
            actor=users[owner],
            account=account,
            opportunity=opportunity,
            term_months=term,
            valid_until=today + timedelta(days=30),
        )
        _lines(users, quote, lines)
        for step in steps:
            if step == "revise":
                quote = services.quote_revise(actor=users[owner], quote_id=quote.pk)
                # Version 2: a deeper discount for the head office and the data centre added.
                head_office = quote.lines.get(site__name="Alpenbank Head Office München")
                head_office.discount_percent = Decimal("9")
                services.quote_lines_save(actor=users[owner], quote=quote, lines=[head_office])
                _lines(
                    users,
                    quote,
                    [("Alpenbank Data Centre Frankfurt", "MPLS", {"bandwidth": "1000"}, 1, "6")],
                )
                continue
            if step == "expire":
                Quote.objects.filter(pk=quote.pk).update(valid_until=today - timedelta(days=3))
            actor = users["mia"] if step in ("approve", "send_back") else users[owner]
            services.quote_transition(
                actor=actor, quote_id=quote.pk, name=step, comment=COMMENTS.get(step, "")
            )
        log(f"quote {quote} ({quote.get_state_display().lower()})")
    # R7: the Alpenbank agreement (in negotiation) improves the MPLS price, which reprices
    # the open Alpenbank quote and tells its owner.
    alpenbank = Account.objects.get(name="Alpenbank AG", parent=None)
    terms = AgreementLine.objects.get(agreement__account=alpenbank, offering__code="MPLS")
    terms.recurring_price = Decimal("259.00")
    services.agreement_part_save(actor=users["sara"], part=terms)
