"""factory_boy factories with fixed, readable values."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from sales.models import (
    Account,
    BillingProfile,
    CharacteristicSpecification,
    Contact,
    Lead,
    Location,
    Opportunity,
    ProductOffering,
    ProductSpecification,
)
from telcrm.models import Team


def add_related(field: str) -> factory.PostGeneration:
    """``Factory(<field>=[...])`` adds those records to the many-to-many ``field``."""

    def add(obj, create, extracted, **kwargs):
        if extracted:
            getattr(obj, field).add(*extracted)

    return factory.PostGeneration(add)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    members = add_related("members")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Customer {n} GmbH")
    owner = factory.SubFactory(UserFactory)
    industry = "logistics"
    credit_limit = Decimal("100000.00")


class ChildAccountFactory(AccountFactory):
    account_type = "child"
    parent = factory.SubFactory(AccountFactory)
    owner = factory.SelfAttribute("parent.owner")
    team = factory.SelfAttribute("parent.team")
    name = factory.Sequence(lambda n: f"Site {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    account = factory.SubFactory(AccountFactory)
    address_line1 = "Am Sandtorkai 50"
    city = "Hamburg"
    postcode = "20457"
    country = "DE"
    is_primary = True


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    first_name = "Jana"
    last_name = factory.Sequence(lambda n: f"Kontakt {n}")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")


class BillingProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillingProfile

    account = factory.SubFactory(AccountFactory)
    currency = "EUR"
    invoice_delivery = "post"


class CharacteristicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharacteristicSpecification
        django_get_or_create = ("code",)

    code = "bandwidth"
    name = "Bandwidth"
    value_type = "choice"
    allowed_values = ["10", "100", "1000"]
    unit = "Mbit/s"
    default = "100"
    price_affecting = True


class SpecificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductSpecification
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"SPEC-{n}")
    name = factory.Sequence(lambda n: f"Specification {n}")
    domain = "access"

    characteristics = add_related("characteristics")


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductOffering
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"OFF-{n}")
    name = factory.Sequence(lambda n: f"Offering {n}")
    kind = "connectivity"
    state = "active"
    recurring_price = Decimal("100.00")
    one_time_price = Decimal("250.00")

    specifications = add_related("specifications")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    company_name = factory.Sequence(lambda n: f"Prospect {n} AG")
    contact_name = "Maren Lüth"
    contact_email = factory.Sequence(lambda n: f"buyer{n}@prospect.example")
    source = "web"
    owner = factory.SubFactory(UserFactory)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    name = factory.Sequence(lambda n: f"Deal {n}")
    account = factory.SubFactory(AccountFactory)
    owner = factory.SelfAttribute("account.owner")
    team = factory.SelfAttribute("account.team")
    expected_close_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))


def signature_for(agreement, signatory):
    """The customer's signature of an agreement as the contracts stage records it (R12), made
    directly so sales tests can activate agreements without rendering a PDF."""
    import hashlib

    from django.utils import timezone

    from contracts.models import Document, Signature, SigningRequest

    digest = hashlib.sha256(f"agreement {agreement.pk}".encode()).hexdigest()
    document = Document.objects.create(
        kind="agreement",
        agreement=agreement,
        state="ready",
        sha256=digest,
        requested_by=agreement.account.owner,
    )
    request = SigningRequest.objects.create(
        document=document,
        signatory=signatory,
        token_hash=hashlib.sha256(digest.encode()).hexdigest(),
        expires_at=timezone.now(),
        sent_by=agreement.account.owner,
        state="signed",
    )
    return Signature.objects.create(
        agreement=agreement,
        request=request,
        document=document,
        signatory=signatory,
        signer_name=signatory.full_name,
        method="typed",
        signed_at=timezone.now(),
        document_sha256=digest,
    )


def located(account, street="Am Sandtorkai 50", postcode="20457", city="Hamburg"):
    """A location of ``account`` in Germany; by default at the Hamburg office."""
    return Location.objects.create(
        account=account, address_line1=street, postcode=postcode, city=city, country="DE"
    )


def sites_at(root, sites) -> dict:
    """Child accounts of ``root``, each located at its address: ``sites`` are (name, street,
    postcode, city); by name."""
    made = {}
    for name, street, postcode, city in sites:
        made[name] = ChildAccountFactory(parent=root, name=name)
        located(made[name], street, postcode, city)
    return made
