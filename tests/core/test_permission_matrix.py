"""R29: every URL of the project, for every role: anonymous users are sent to the login page,
the wrong role gets 403, a record outside the user's view 404.

A URL that is missing from MATRIX fails ``test_every_url_is_in_the_matrix``: add it there
with the roles that may use it."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cmdb.models import ChangeRequest, ConfigurationItem, Incident, ProductInventory
from contracts.models import (
    Document,
    SalesContract,
    SalesContractLine,
    ServiceContract,
    Signature,
    SigningRequest,
)
from fulfillment.models import (
    AssignmentGroup,
    Fallout,
    FieldWorkOrder,
    FlowTemplate,
    SpecialProject,
    SubFlow,
    Task,
    TaskTemplate,
)
from orders.models import ChildLine, DomainOrder, Order, OrderLine
from sales.models import (
    AccountImport,
    AgreementLine,
    Location,
    OpportunityLine,
    ProductSpecification,
    Quote,
    QuoteLine,
    SalesAgreement,
)
from tests.factories import (
    AccountFactory,
    BillingProfileFactory,
    ContactFactory,
    LeadFactory,
    LocationFactory,
    OfferingFactory,
    OpportunityFactory,
)

EVERYONE = {
    "rep",
    "other_rep",
    "manager",
    "contracts",
    "orders",
    "agent",
    "technician",
    "pm",
    "admin",
    "outsider",
    "ops",
    "finance",
}
ROLES = EVERYONE - {"outsider"}
SALES = {"rep", "other_rep", "manager", "admin"}
OPPORTUNITY_READERS = SALES | {"contracts", "orders"}
AGREEMENT_EDITORS = SALES | {"contracts"}
SIGNERS = {"manager", "contracts", "admin"}
SENDERS = SALES | {"contracts"}  # who sends documents for signature
CONTRACT_MANAGERS = {"contracts", "admin"}
ORDER_MANAGERS = {"orders", "admin"}
WORKERS = {"agent", "technician", "pm", "admin"}  # fulfillment roles (and the task's group)
RESOLVERS = {"agent", "pm", "orders", "admin"}  # who resolves fall-outs
PROJECT_RUNNERS = {"pm", "orders", "admin"}  # dispatch visits, run special projects
OPS = {"ops", "admin"}  # service operations: item status, changes, incidents
FINANCE = {"finance", "admin"}  # credit limits, billing profile activation
ORDER_READERS = OPPORTUNITY_READERS | WORKERS | {"finance"}
# URLs that need no login or belong to Django itself.
EXEMPT_PREFIXES = ("admin:",)
EXEMPT = {"login", "logout"}
# The signatory's pages: no login, the unguessable link is the key (tests/contracts).
PUBLIC = {"contracts:sign", "contracts:sign_pdf"}
# A monitoring system's endpoint: no login, its integration token is the key (tests/cmdb).
PUBLIC |= {"cmdb:monitoring_status"}


@dataclass(frozen=True)
class Spec:
    allowed: set[str]
    args: tuple[str, ...] = ()  # names of objects in the ``objects`` fixture
    method: str = "get"
    scoped: bool = False  # the object belongs to team A: other_rep gets 404
    data: dict = field(default_factory=dict)
    ok: int = 0  # the status for allowed users when not the usual 200 (GET) / 302 (POST)


MATRIX: dict[str, Spec] = {
    "home": Spec(EVERYONE),
    "password_change": Spec(EVERYONE),
    "audit_log": Spec({"admin"}),
    "sales:account_list": Spec(ROLES),
    "sales:account_create": Spec(SALES),
    "sales:account_import": Spec(SALES),
    "sales:account_import_detail": Spec(SALES, ("account_import",), scoped=True),
    "sales:account_detail": Spec(ROLES, ("account",), scoped=True),
    "sales:account_update": Spec(SALES, ("account",), scoped=True),
    "sales:account_child_create": Spec(SALES, ("account",), scoped=True),
    "sales:location_create": Spec(SALES, ("account",), scoped=True),
    "sales:location_update": Spec(SALES, ("account", "location"), scoped=True),
    "sales:contact_create": Spec(SALES | {"contracts"}, ("account",), scoped=True),
    "sales:contact_update": Spec(SALES | {"contracts"}, ("account", "contact"), scoped=True),
    "sales:billingprofile_create": Spec(SALES | {"orders"}, ("account",), scoped=True),
    "sales:billingprofile_update": Spec(SALES | {"orders"}, ("account", "billing"), scoped=True),
    "sales:account_activate": Spec(SALES, ("account",), "post", scoped=True),
    "sales:account_suspend": Spec({"manager", "admin"}, ("account",), "post", scoped=True),
    "sales:account_close": Spec({"manager", "admin"}, ("account",), "post", scoped=True),
    "sales:account_credit_limit": Spec(FINANCE, ("account",), scoped=True),
    "sales:billingprofile_activate": Spec(FINANCE, ("billing",), "post", scoped=True),
    "sales:billingprofile_deactivate": Spec(FINANCE, ("billing",), "post", scoped=True),
    "sales:offering_list": Spec(ROLES),
    "sales:coverage": Spec(ROLES),
    "sales:offering_detail": Spec(ROLES, ("offering",)),
    "sales:offering_inputs": Spec(ROLES),
    "sales:productoffering_publish": Spec({"admin"}, ("offering",), "post"),
    "sales:productoffering_retire": Spec({"admin"}, ("offering",), "post"),
    "sales:lead_list": Spec(SALES),
    "sales:lead_create": Spec(SALES),
    "sales:lead_detail": Spec(SALES, ("lead",), scoped=True),
    "sales:lead_update": Spec(SALES, ("lead",), scoped=True),
    "sales:lead_convert": Spec(SALES, ("lead",), scoped=True),
    **{
        f"sales:lead_{name}": Spec(SALES, ("lead",), "post", scoped=True)
        for name in ("start_work", "qualify", "disqualify", "reopen")
    },
    "sales:opportunity_list": Spec(OPPORTUNITY_READERS),
    "sales:opportunity_create": Spec(SALES),
    "sales:opportunity_detail": Spec(OPPORTUNITY_READERS, ("opportunity",), scoped=True),
    "sales:opportunity_update": Spec(SALES, ("opportunity",), scoped=True),
    "sales:opportunityline_create": Spec(SALES, ("opportunity",), scoped=True),
    "sales:opportunityline_update": Spec(SALES, ("opportunity", "opportunity_line"), scoped=True),
    "sales:opportunityline_delete": Spec(
        SALES, ("opportunity", "opportunity_line"), "post", scoped=True
    ),
    **{
        f"sales:opportunity_{name}": Spec(SALES, ("opportunity",), "post", scoped=True)
        for name in ("to_proposal", "to_negotiation", "back_to_proposal", "close_won", "close_lost")
    },
    "sales:pipeline": Spec(OPPORTUNITY_READERS),
    "sales:agreement_list": Spec(OPPORTUNITY_READERS),
    "sales:agreement_create": Spec(AGREEMENT_EDITORS),
    "sales:agreement_detail": Spec(OPPORTUNITY_READERS, ("agreement",), scoped=True),
    "sales:agreement_update": Spec(AGREEMENT_EDITORS, ("agreement",), scoped=True),
    "contracts:agreement_sign": Spec(SIGNERS, ("agreement",), scoped=True),
    "sales:agreementpart_create": Spec(AGREEMENT_EDITORS, ("agreement", "kind"), scoped=True),
    "sales:agreementpart_update": Spec(
        AGREEMENT_EDITORS, ("agreement", "kind", "agreement_line"), scoped=True
    ),
    "sales:agreementpart_delete": Spec(
        AGREEMENT_EDITORS, ("agreement", "kind", "agreement_line"), "post", scoped=True
    ),
    "sales:salesagreement_negotiate": Spec(AGREEMENT_EDITORS, ("agreement",), "post", scoped=True),
    "sales:salesagreement_expire": Spec(SIGNERS, ("agreement",), "post", scoped=True),
    "sales:salesagreement_terminate": Spec(SIGNERS, ("agreement",), "post", scoped=True),
    "sales:quote_list": Spec(OPPORTUNITY_READERS),
    "sales:quote_create": Spec(SALES),
    "sales:quote_approvals": Spec({"manager", "admin"}),
    "sales:quote_detail": Spec(OPPORTUNITY_READERS, ("quote",), scoped=True),
    "sales:quoteline_add": Spec(SALES, ("quote",), "post", scoped=True),
    "sales:quoteline_update": Spec(SALES, ("quote", "quote_line"), scoped=True),
    "sales:quoteline_delete": Spec(SALES, ("quote", "quote_line"), "post", scoped=True),
    "sales:quoteline_promote": Spec(
        AGREEMENT_EDITORS, ("quote", "quote_line"), "post", scoped=True
    ),
    "sales:quote_revise": Spec(SALES, ("quote",), "post", scoped=True),
    "sales:quote_compare": Spec(OPPORTUNITY_READERS, ("quote",), scoped=True),
    "sales:quote_notice_dismiss": Spec(SALES, ("quote",), "post", scoped=True),
    "sales:agreement_new_quote": Spec(SALES, ("agreement",), "post", scoped=True),
    **{
        f"sales:quote_{name}": Spec(SALES, ("quote",), "post", scoped=True)
        for name in ("submit", "finalise", "reopen", "reject", "cancel", "expire")
    },
    "sales:quote_approve": Spec({"manager", "admin"}, ("quote",), "post", scoped=True),
    "contracts:quote_accept": Spec(SALES, ("quote",), scoped=True),
    "contracts:quote_document": Spec(OPPORTUNITY_READERS, ("quote",), scoped=True, ok=302),
    "contracts:document_detail": Spec(OPPORTUNITY_READERS, ("document",), scoped=True),
    "contracts:document_pdf": Spec(OPPORTUNITY_READERS, ("document",), scoped=True),
    "contracts:document_verify": Spec(OPPORTUNITY_READERS, ("document",), scoped=True),
    "contracts:document_retry": Spec(SENDERS, ("document",), "post", scoped=True),
    "contracts:signingrequest_send": Spec(SENDERS, ("document",), "post", scoped=True),
    "contracts:signingrequest_withdraw": Spec(SENDERS, ("signing_request",), "post", scoped=True),
    "contracts:contract_list": Spec(OPPORTUNITY_READERS),
    "contracts:contract_detail": Spec(OPPORTUNITY_READERS, ("contract",), scoped=True),
    "contracts:contract_create": Spec(SENDERS, ("quote",), "post", scoped=True),
    "contracts:servicecontracts_create": Spec(
        CONTRACT_MANAGERS, ("contract",), "post", scoped=True
    ),
    "contracts:contract_new_quote": Spec(SALES, ("contract",), "post", scoped=True),
    "contracts:servicecontract_detail": Spec(
        OPPORTUNITY_READERS | {"ops"}, ("service",), scoped=True
    ),  # the SLA of an incident
    "orders:order_list": Spec(ORDER_READERS),
    "orders:order_detail": Spec(ORDER_READERS, ("order",), scoped=True),
    "orders:order_create": Spec(SALES | {"orders"}, ("contract",), scoped=True),
    "orders:order_update": Spec(SALES | {"orders"}, ("order",), scoped=True),
    "orders:orderline_update": Spec(SALES | {"orders"}, ("order", "order_line"), scoped=True),
    "orders:order_cancel": Spec(ORDER_MANAGERS, ("order",), "post", scoped=True),
    "orders:order_validate": Spec(SALES | {"orders"}, ("order",), "post", scoped=True),
    "orders:order_submit": Spec(SALES | {"orders"}, ("order",), "post", scoped=True),
    "orders:order_approve": Spec(ORDER_MANAGERS, ("order",), "post", scoped=True),
    "orders:order_reject": Spec(ORDER_MANAGERS, ("order",), "post", scoped=True),
    "orders:order_reopen_quote": Spec(SALES, ("order",), "post", scoped=True),
    "orders:order_revise": Spec(SALES | {"orders"}, ("order",), "post", scoped=True),
    "cmdb:account_inventory": Spec(ROLES, ("account",), scoped=True),
    "fulfillment:task_queue": Spec(WORKERS | {"orders"}),
    "fulfillment:task_claim": Spec(WORKERS | {"orders"}, ("task",), "post"),
    "fulfillment:task_start": Spec(WORKERS | {"orders"}, ("task",), "post"),
    "fulfillment:task_complete": Spec(WORKERS | {"orders"}, ("task",)),
    "fulfillment:task_reject": Spec(WORKERS | {"orders"}, ("task",)),
    "fulfillment:fallout_queue": Spec(WORKERS | {"orders"}),
    "fulfillment:work_orders": Spec(WORKERS | {"orders"}),
    "fulfillment:projects": Spec({"agent", "pm", "orders", "admin"}),
    "fulfillment:project": Spec({"agent", "pm", "orders", "admin"}, ("project",)),
    "fulfillment:work_order": Spec(WORKERS | {"orders"}, ("visit",)),
    "fulfillment:fallout_detail": Spec(WORKERS | {"orders"}, ("fallout",)),
    # One POST URL per action: resolving a fall-out (the empty note or outputs a form asks
    # for show the page again), dispatching a visit (the technician's own arrival and
    # completion are nobody else's), running a project.
    "fulfillment:fallout_retry": Spec(RESOLVERS, ("fallout",), "post"),
    "fulfillment:fallout_complete": Spec(RESOLVERS, ("fallout",), "post"),
    "fulfillment:fallout_skip": Spec(RESOLVERS, ("fallout",), "post", ok=200),
    "fulfillment:fallout_cancel_line": Spec({"orders", "admin"}, ("fallout",), "post", ok=200),
    "fulfillment:work_order_dispatch": Spec(PROJECT_RUNNERS, ("visit",), "post", ok=200),
    "fulfillment:work_order_arrive": Spec(set(), ("visit",), "post"),
    "fulfillment:work_order_complete": Spec(set(), ("visit",), "post"),
    "fulfillment:project_take": Spec(PROJECT_RUNNERS, ("project",), "post"),
    "fulfillment:project_step_done": Spec(PROJECT_RUNNERS, ("project",), "post"),
    "fulfillment:order_start": Spec(ORDER_MANAGERS, ("order",), "post", scoped=True),
    "fulfillment:order_wave_release": Spec(ORDER_MANAGERS, ("order",), "post", scoped=True),
    "contracts:slacommitment_save": Spec(CONTRACT_MANAGERS, ("service",), "post", scoped=True),
    **{
        f"contracts:{model}_{name}": Spec(CONTRACT_MANAGERS, (key,), "post", scoped=True)
        for model, key in (("salescontract", "contract"), ("servicecontract", "service"))
        for name in ("activate", "expire", "terminate")
    },
    "sales:quote_send_back": Spec({"manager", "admin"}, ("quote",), "post", scoped=True),
    "fulfillment:trace": Spec(ORDER_READERS, ("trace_kind", "order"), scoped=True),
    "cmdb:item_list": Spec(ROLES),
    "cmdb:product_list": Spec(ROLES),
    "cmdb:item_detail": Spec(ROLES, ("item",), scoped=True),
    "cmdb:item_status": Spec(OPS, ("item",), "post", scoped=True, data={"status": "down"}),
    "cmdb:change_list": Spec(ROLES),
    "cmdb:change_create": Spec(OPS),
    "cmdb:change_detail": Spec(ROLES, ("change",), scoped=True),
    "cmdb:change_edit": Spec(OPS, ("change",), scoped=True),
    **{
        f"cmdb:changerequest_{name}": Spec(OPS, ("change",), "post", scoped=True)
        for name in ("submit", "approve", "reject", "schedule", "implement", "close")
    },
    "cmdb:incident_list": Spec(ROLES),
    "cmdb:incident_create": Spec(OPS),
    "cmdb:incident_detail": Spec(ROLES, ("incident",), scoped=True),
    **{
        f"cmdb:incident_{name}": Spec(OPS, ("incident",), "post", scoped=True)
        for name in ("start", "resolve", "close", "reopen")
    },
}


# A document's URLs are tried with a quote's document and with a signed agreement's document.
CASES = sorted(MATRIX) + sorted(
    f"{name}|agreement_document" for name, spec in MATRIX.items() if "document" in spec.args
)


def all_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= all_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_is_in_the_matrix():
    names = {
        n for n in all_url_names() if n not in EXEMPT | PUBLIC and not n.startswith(EXEMPT_PREFIXES)
    }
    assert names - set(MATRIX) == set(), "add these URLs to MATRIX"
    assert set(MATRIX) - names == set(), "MATRIX names URLs that do not exist"


def _signed(document, signatory, token: str, **subject):
    """A signing request for ``document``, sent by the one who asked for the document, and
    the signature it got for its ``subject`` (``quote=`` or ``agreement=``)."""
    request = SigningRequest.objects.create(
        document=document,
        signatory=signatory,
        token_hash=token * 64,
        expires_at=timezone.now() + timedelta(days=3),
        sent_by=document.requested_by,
    )
    signature = Signature.objects.create(
        request=request,
        document=document,
        signatory=signatory,
        signer_name="Signer",
        method="typed",
        signed_at=timezone.now(),
        document_sha256=document.sha256,
        **subject,
    )
    return request, signature


@pytest.fixture
def objects(rep_account, users):
    opportunity = OpportunityFactory(account=rep_account)
    agreement = SalesAgreement.objects.create(
        name="Framework", account=rep_account, valid_from=date.today()
    )
    site = AccountFactory(
        name="Site",
        account_type="child",
        parent=rep_account,
        owner=rep_account.owner,
        team=rep_account.team,
    )
    location = Location.objects.create(
        account=site, address_line1="A", postcode="20457", city="Hamburg", country="DE"
    )
    quote = Quote.objects.create(
        account=rep_account,
        owner=rep_account.owner,
        team=rep_account.team,
        valid_until=date.today(),
    )
    content = b"%PDF-1.7 test"
    document = Document(
        kind="quote_summary",
        quote=quote,
        requested_by=rep_account.owner,
        state="ready",
        sha256=hashlib.sha256(content).hexdigest(),
    )
    document.file.save("test.pdf", ContentFile(content), save=True)
    signing_request, signature = _signed(
        document, ContactFactory(account=rep_account), "0", quote=quote
    )
    contract = SalesContract.objects.create(
        quote=quote,
        account=rep_account,
        signature=signature,
        owner=rep_account.owner,
        team=rep_account.team,
        currency="EUR",
        term_months=36,
    )
    quote_line = QuoteLine.objects.create(
        quote=quote,
        site=site,
        location=location,
        offering=OfferingFactory(),
        feasibility="feasible",
    )
    contract_line = SalesContractLine.objects.create(
        contract=contract,
        quote_line=quote_line,
        site=site,
        location=location,
        offering=quote_line.offering,
        quantity=1,
        discount_percent=0,
    )
    order = Order.objects.create(
        sales_contract=contract,
        quote=quote,
        account=rep_account,
        owner=rep_account.owner,
        team=rep_account.team,
        requested_date=date.today(),
        billing_profile=BillingProfileFactory(account=rep_account),
    )
    order_line = OrderLine.objects.create(
        order=order,
        contract_line=contract_line,
        quote_line=quote_line,
        site=site,
        location=location,
        offering=quote_line.offering,
        quantity=1,
    )
    domain_order = DomainOrder.objects.create(
        order=order, site=site, location=location, domain="access"
    )
    spec = ProductSpecification.objects.create(code="PM-ACCESS", name="Access", domain="access")
    child = ChildLine.objects.create(
        order_line=order_line, specification=spec, domain_order=domain_order
    )
    flow = FlowTemplate.objects.create(specification=spec, name="Access delivery")
    group = AssignmentGroup.objects.create(name="Access provisioning")
    group.members.add(users["agent"], users["technician"], users["pm"])
    task_template = TaskTemplate.objects.create(
        flow=flow, code="order", name="Order circuit", group=group
    )
    sub_flow = SubFlow.objects.create(domain_order=domain_order, child_line=child, template=flow)
    task = Task.objects.create(
        sub_flow=sub_flow, template=task_template, name="Order circuit", kind="manual", group=group
    )
    failed = Task.objects.create(
        sub_flow=sub_flow,
        template=task_template,
        name="Order circuit",
        kind="manual",
        group=group,
        state="failed",
    )
    fallout = Fallout.objects.create(
        task=failed, order=order, category="data", detail="x", due_at=timezone.now()
    )
    now = timezone.now()
    visit = FieldWorkOrder.objects.create(
        task=task,
        site=site,
        location=location,
        window_start=now,
        window_end=now + timedelta(hours=2),
    )
    project = SpecialProject.objects.create(order=order, reason="Managed Wi-Fi")
    product = ProductInventory.objects.create(
        account=rep_account,
        site=site,
        location=location,
        offering=quote_line.offering,
        sales_contract=contract,
        order_date=date.today(),
    )
    item = ConfigurationItem.objects.create(
        kind="circuit", name="Access circuit", account=rep_account, site=site, product=product
    )
    signed_agreement = SalesAgreement.objects.create(
        name="Signed framework", account=rep_account, valid_from=date.today()
    )
    agreement_document = Document(
        kind="agreement",
        agreement=signed_agreement,
        state="ready",
        requested_by=rep_account.owner,
        sha256=document.sha256,
    )
    agreement_document.file.save("agreement.pdf", ContentFile(content), save=True)
    _signed(agreement_document, signing_request.signatory, "1", agreement=signed_agreement)
    return {
        "agreement_document": agreement_document,
        "trace_kind": "order",
        "item": item,
        "change": ChangeRequest.objects.create(
            item=item, title="Upgrade", description="x", requested_by=users["ops"]
        ),
        "incident": Incident.objects.create(
            item=item, title="Down", description="x", reported_by=users["ops"]
        ),
        "task": task,
        "project": project,
        "visit": visit,
        "fallout": fallout,
        "order": order,
        "order_line": order_line,
        "contract": contract,
        "service": ServiceContract.objects.create(sales_contract=contract, site=site),
        "document": document,
        "signing_request": signing_request,
        "quote": quote,
        "quote_line": QuoteLine.objects.create(
            quote=quote,
            site=site,
            location=location,
            offering=OfferingFactory(),
            feasibility="feasible",
        ),
        "agreement": agreement,
        "kind": "line",
        "agreement_line": AgreementLine.objects.create(
            agreement=agreement, offering=OfferingFactory(), discount_percent=5
        ),
        "account": rep_account,
        "account_import": AccountImport.objects.create(
            created_by=rep_account.owner, filename="accounts.csv"
        ),
        "location": LocationFactory(account=rep_account),
        "contact": ContactFactory(account=rep_account),
        "billing": BillingProfileFactory(account=rep_account),
        "offering": OfferingFactory(),
        "lead": LeadFactory(owner=rep_account.owner, team=rep_account.team),
        "opportunity": opportunity,
        "opportunity_line": OpportunityLine.objects.create(
            opportunity=opportunity, description="Dark fiber", manual_estimate=1000
        ),
    }


def url_for(case: str, objects) -> str:
    name, _, document = case.partition("|")
    keys = [document if document and a == "document" else a for a in MATRIX[name].args]
    return reverse(name, args=[getattr(objects[a], "pk", objects[a]) for a in keys])


@pytest.mark.parametrize("name", CASES)
def test_anonymous_is_sent_to_login(client, objects, name):
    spec = MATRIX[name.partition("|")[0]]
    response = getattr(client, spec.method)(url_for(name, objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def expected_status(spec: Spec, who: str) -> int:
    if who not in spec.allowed:
        return 403
    if spec.scoped and who == "other_rep":
        return 404
    return spec.ok or (302 if spec.method == "post" else 200)


@pytest.mark.parametrize("who", sorted(EVERYONE))
@pytest.mark.parametrize("name", CASES)
def test_role_and_visibility(client, users, objects, name, who):
    spec = MATRIX[name.partition("|")[0]]
    client.force_login(users[who])
    response = getattr(client, spec.method)(url_for(name, objects), spec.data)
    assert response.status_code == expected_status(spec, who), (name, who)
