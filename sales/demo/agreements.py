"""Demo sales agreements: drafts and negotiations here; the signed ones (active, then expired
or terminated) are signed by the customer in the contracts demo (R6, R12)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .. import services
from ..models import (
    Account,
    AgreementLine,
    AgreementSla,
    PartnerTerm,
    ProductOffering,
    SalesAgreement,
)

TERMS = (
    "1. Prices are monthly, excluding VAT, invoiced in advance.\n"
    "2. Minimum term per service: 36 months from handover.\n"
    "3. Service credits are the customer's sole remedy for SLA breaches and are capped at "
    "30 % of the monthly charge."
)

# account, name, state (reached here or, from "active" on, in contracts/demo.py), valid from
# (days from today), valid to, lines, SLAs, partner terms
AGREEMENTS = [
    (
        "Nordwind Logistik GmbH",
        "Nordwind framework agreement 2026-2029",
        "active",
        -200,
        900,
        [("DIA", "219.00", None, None), ("MFW", None, None, "10"), ("WIFI", None, "150.00", None)],
        [
            ("availability", "99.950", "10"),
            ("time_to_restore", "4", "5"),
            ("response_time", "0.5", "2"),
        ],
        [("Microsoft (SBC partner)", "TEAMS", "Partner SBC SLA 99.9 %; we are first line.")],
    ),
    (
        "Alpenbank AG",
        "Alpenbank network services agreement",
        "negotiation",
        0,
        1095,
        [("SDWAN", None, None, "15"), ("MPLS", "279.00", "500.00", None)],
        [("availability", "99.990", "15"), ("time_to_restore", "2", "10")],
        [],
    ),
    (
        "Hansa Media Group",
        "Hansa Media master agreement",
        "draft",
        30,
        1125,
        [("MPLS", None, None, "5")],
        [("availability", "99.900", "5")],
        [],
    ),
    (
        "Stadtwerke Lübeck",
        "Stadtwerke Lübeck 2021-2025",
        "expired",
        -1800,
        -30,
        [("DIA", "199.00", None, None)],
        [("availability", "99.500", "5")],
        [],
    ),
    (
        "Café Central Kette GmbH",
        "Café Central shops 2024",
        "terminated",
        -700,
        400,
        [("SDWAN", None, None, "8")],
        [],
        [],
    ),
]


def load(users, log) -> None:
    if SalesAgreement.objects.exists():
        return
    today = timezone.localdate()
    for account_name, name, state, start, end, lines, slas, partners in AGREEMENTS:
        account = Account.objects.get(name=account_name, parent=None)
        actor = account.owner
        agreement = services.agreement_save(
            actor=actor,
            agreement=SalesAgreement(
                name=name,
                account=account,
                valid_from=today + timedelta(days=start),
                valid_to=today + timedelta(days=end),
                terms=TERMS,
            ),
        )
        for code, recurring, one_time, discount in lines:
            services.agreement_part_save(
                actor=actor,
                part=AgreementLine(
                    agreement=agreement,
                    offering=ProductOffering.objects.get(code=code),
                    recurring_price=Decimal(recurring) if recurring else None,
                    one_time_price=Decimal(one_time) if one_time else None,
                    discount_percent=Decimal(discount) if discount else None,
                ),
            )
        for metric, target, credit in slas:
            services.agreement_part_save(
                actor=actor,
                part=AgreementSla(
                    agreement=agreement,
                    metric=metric,
                    target=Decimal(target),
                    service_credit_percent=Decimal(credit),
                ),
            )
        for partner, code, terms in partners:
            services.agreement_part_save(
                actor=actor,
                part=PartnerTerm(
                    agreement=agreement,
                    partner=partner,
                    offering=ProductOffering.objects.get(code=code),
                    terms=terms,
                ),
            )
        if state != "draft":
            services.agreement_transition(actor=actor, agreement_id=agreement.pk, name="negotiate")
        log(f"agreement {agreement}")
