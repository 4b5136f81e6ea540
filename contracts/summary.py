"""What a quote summary document shows (R12): cover, customer and hierarchy, sites with
their lines and characteristics, prices, SLAs, terms, partner terms, signature block."""

from __future__ import annotations

from collections import OrderedDict

from django.conf import settings
from django.utils import timezone

from sales.catalog import characteristic_specs, labelled_characteristics
from sales.models import Account, Quote, SalesAgreement
from sales.quote_diff import quote_summary


def quote_document_context(quote: Quote, signature=None) -> dict:
    quote = Quote.objects.select_related("account", "agreement", "owner", "opportunity").get(
        pk=quote.pk
    )
    lines = list(quote.lines.select_related("offering", "site", "location"))
    specs = characteristic_specs()
    sites = OrderedDict()
    for line in lines:
        # What the customer reads: the characteristic's name and the value's label.
        line.configuration = labelled_characteristics(line.characteristics, specs)
        sites.setdefault(line.site, []).append(line)
    agreement = quote.agreement
    account = quote.account
    return {
        "quote": quote,
        "account": account,
        "legal_address": account.locations.order_by("-is_primary", "pk").first(),
        "hierarchy": list(
            Account.objects.filter(root_id=account.pk)
            .exclude(pk=account.pk)
            .prefetch_related("locations")
            .order_by("name")
        ),
        "sites": list(sites.items()),
        "summary": quote_summary(quote, lines),
        "agreement": agreement,
        "slas": list(agreement.slas.all()) if agreement else [],
        "partner_terms": list(agreement.partner_terms.select_related("offering"))
        if agreement
        else [],
        "signatories": list(account.contacts.filter(signing_authority=True).order_by("pk")),
        "provider": settings.TELCRM_PROVIDER,
        "issued": timezone.localdate(),
        "signature": signature,
        "document_label": f"{quote.number} v{quote.version}",
    }


def agreement_document_context(agreement: SalesAgreement, signature=None) -> dict:
    """A sales agreement to sign (R6, R12): parties, term, negotiated offerings, global SLAs,
    partner terms, terms and conditions, signature block."""
    agreement = SalesAgreement.objects.select_related("account", "signatory").get(pk=agreement.pk)
    account = agreement.account
    return {
        "agreement": agreement,
        "account": account,
        "legal_address": account.locations.order_by("-is_primary", "pk").first(),
        "lines": list(agreement.lines.select_related("offering")),
        "slas": list(agreement.slas.all()),
        "partner_terms": list(agreement.partner_terms.select_related("offering")),
        "signatories": list(account.contacts.filter(signing_authority=True).order_by("pk")),
        "provider": settings.TELCRM_PROVIDER,
        "issued": timezone.localdate(),
        "signature": signature,
        "document_label": f"{agreement.number} {agreement.name}",
    }
