"""django-q2 task functions: take ids, call a service, safe to run twice."""


def render_document(document_id: int) -> str:
    from .services import document_render

    document = document_render(document_id)
    return document.state


def expire_due() -> str:
    """Daily: quotes, agreements and contracts past their end expire (R6, R11, R13, R14).
    This layer may call the sales layer below it; sales never calls up here."""
    from sales.services import agreements_expire_due, quotes_expire_due

    from .services import contracts_expire_due

    quotes = quotes_expire_due()
    agreements = agreements_expire_due()
    contracts = contracts_expire_due()
    return f"expired {len(quotes)} quotes, {len(agreements)} agreements, {len(contracts)} contracts"
