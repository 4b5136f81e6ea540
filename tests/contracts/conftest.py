"""Fixtures of the contracts tests: an accepted quote with its rendered document, a
signatory, and helpers to send and sign."""

import pytest

from contracts import services
from sales import services as sales_services
from tests.factories import ContactFactory, OpportunityFactory
from tests.sales.test_quotes import new_quote, place


@pytest.fixture
def signatory(rep_account):
    return ContactFactory(
        account=rep_account,
        first_name="Henrik",
        last_name="Jansen",
        email="h.jansen@nordwind.example",
        signing_authority=True,
    )


@pytest.fixture
def accepted(users, rep_account, world, django_capture_on_commit_callbacks):
    """An accepted two-site quote whose summary document was rendered."""
    opportunity = OpportunityFactory(account=rep_account, owner=users["rep"])
    quote = new_quote(users, rep_account, opportunity=opportunity)
    place(users, quote, world["HQ"], bandwidth="100", discount="5")
    place(users, quote, world["Metro"], code="SIP")
    sales_services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    with django_capture_on_commit_callbacks(execute=True):
        document = services.quote_accept(actor=users["rep"], quote_id=quote.pk)
    document.refresh_from_db()
    return document


def send(users, document, signatory, django_capture_on_commit_callbacks, who="rep", **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.signing_request_send(
            actor=users[who],
            document_id=document.pk,
            signatory=signatory,
            build_link=lambda token: f"http://testserver/contracts/sign/{token}/",
            **kwargs,
        )


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def sign(client, link, django_capture_on_commit_callbacks, name="Henrik Jansen"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(link, {"signer_name": name, "method": "typed", "consent": "on"})
