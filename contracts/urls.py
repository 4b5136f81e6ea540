from functools import partial

from django.urls import path

from telcrm.views import Transitions, record_urls

from . import services
from .models import Document, SalesContract, ServiceContract, SigningRequest
from .views import contracts, documents

app_name = "contracts"

CONTRACT_TRANSITIONS = ("activate", "expire", "terminate")

urlpatterns = [
    path("quotes/<int:pk>/accept/", documents.QuoteAcceptView.as_view(), name="quote_accept"),
    path("agreements/<int:pk>/sign/", documents.AgreementSignView.as_view(), name="agreement_sign"),
    path("quotes/<int:pk>/document/", documents.QuoteDocumentView.as_view(), name="quote_document"),
    *record_urls(
        "documents/",
        "document",
        detail_view=documents.DocumentDetailView,
        transitions=Transitions(
            ("retry",),
            model=Document,
            services={"retry": services.document_retry},
            id_arg="document_id",
        ),
    ),
    path("documents/<int:pk>/pdf/", documents.DocumentFileView.as_view(), name="document_pdf"),
    path(
        "documents/<int:pk>/verify/",
        documents.DocumentVerifyView.as_view(),
        name="document_verify",
    ),
    path(
        "documents/<int:pk>/signing-requests/",
        documents.SigningRequestSendView.as_view(),
        name="signingrequest_send",
    ),
    *record_urls(
        "signing-requests/",
        "signingrequest",
        transitions=Transitions(
            ("withdraw",),
            model=SigningRequest,
            services={"withdraw": services.signing_request_withdraw},
            id_arg="request_id",
            permission_required="contracts.view_document",
        ),
    ),
    path("sign/<str:token>/", documents.SignView.as_view(), name="sign"),
    path("sign/<str:token>/document.pdf", documents.SignDocumentView.as_view(), name="sign_pdf"),
    *record_urls(
        "",
        "contract",
        list_view=contracts.ContractListView,
        detail_view=contracts.ContractDetailView,
        transitions=Transitions(
            CONTRACT_TRANSITIONS,
            model=SalesContract,
            service=services.contract_transition,
            id_arg="contract_id",
            reason_arg="reason",
        ),
        # A new quote pre-filled from an active contract (R8).
        actions={"new_quote": contracts.QuoteFromContractView},
    ),
    path(
        "quotes/<int:pk>/contract/",
        contracts.ContractCreateView.as_view(),
        name="contract_create",
    ),
    path(
        "<int:pk>/service-contracts/",
        contracts.ServiceContractsCreateView.as_view(),
        name="servicecontracts_create",
    ),
    *record_urls(
        "services/",
        "servicecontract",
        detail_view=contracts.ServiceContractDetailView,
        transitions=Transitions(
            CONTRACT_TRANSITIONS,
            model=ServiceContract,
            service=partial(services.contract_transition, model=ServiceContract),
            id_arg="contract_id",
            reason_arg="reason",
            # As the sales contract's: taken with its view permission.
            permission_required="contracts.view_salescontract",
        ),
    ),
    path(
        "services/<int:pk>/slas/",
        contracts.SlaCommitmentSaveView.as_view(),
        name="slacommitment_save",
    ),
]
