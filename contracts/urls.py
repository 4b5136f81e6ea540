from django.urls import path

from . import views, views_contracts

app_name = "contracts"

urlpatterns = [
    path("quotes/<int:pk>/accept/", views.QuoteAcceptView.as_view(), name="quote_accept"),
    path("agreements/<int:pk>/sign/", views.AgreementSignView.as_view(), name="agreement_sign"),
    path("quotes/<int:pk>/document/", views.QuoteDocumentView.as_view(), name="quote_document"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("documents/<int:pk>/pdf/", views.DocumentFileView.as_view(), name="document_pdf"),
    path("documents/<int:pk>/verify/", views.DocumentVerifyView.as_view(), name="document_verify"),
    path(
        "documents/<int:pk>/retry/",
        views.DocumentTransitionView.as_view(transition_name="retry"),
        name="document_retry",
    ),
    path(
        "documents/<int:pk>/signing-requests/",
        views.SigningRequestSendView.as_view(),
        name="signingrequest_send",
    ),
    path(
        "signing-requests/<int:pk>/withdraw/",
        views.SigningRequestTransitionView.as_view(transition_name="withdraw"),
        name="signingrequest_withdraw",
    ),
    path("sign/<str:token>/", views.SignView.as_view(), name="sign"),
    path("sign/<str:token>/document.pdf", views.SignDocumentView.as_view(), name="sign_pdf"),
    path("", views_contracts.ContractListView.as_view(), name="contract_list"),
    path("<int:pk>/", views_contracts.ContractDetailView.as_view(), name="contract_detail"),
    path(
        "quotes/<int:pk>/contract/",
        views_contracts.ContractCreateView.as_view(),
        name="contract_create",
    ),
    path(
        "<int:pk>/service-contracts/",
        views_contracts.ServiceContractsCreateView.as_view(),
        name="servicecontracts_create",
    ),
    path(
        "<int:pk>/new-quote/",
        views_contracts.QuoteFromContractView.as_view(),
        name="contract_new_quote",
    ),
    path(
        "services/<int:pk>/",
        views_contracts.ServiceContractDetailView.as_view(),
        name="servicecontract_detail",
    ),
    path(
        "services/<int:pk>/slas/",
        views_contracts.SlaCommitmentSaveView.as_view(),
        name="slacommitment_save",
    ),
]
for _name in ("activate", "expire", "terminate"):
    urlpatterns += [
        path(
            f"<int:pk>/{_name}/",
            views_contracts.ContractTransitionView.as_view(transition_name=_name),
            name=f"salescontract_{_name}",
        ),
        path(
            f"services/<int:pk>/{_name}/",
            views_contracts.ServiceContractTransitionView.as_view(transition_name=_name),
            name=f"servicecontract_{_name}",
        ),
    ]
