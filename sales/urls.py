from django.urls import path

from .views import accounts as views
from .views import agreements, catalog, leads, quotes

app_name = "sales"

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="account_list"),
    path("accounts/new/", views.AccountCreateView.as_view(), name="account_create"),
    path("accounts/import/", views.AccountImportView.as_view(), name="account_import"),
    path(
        "accounts/import/<int:pk>/",
        views.AccountImportDetailView.as_view(),
        name="account_import_detail",
    ),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account_detail"),
    path("accounts/<int:pk>/edit/", views.AccountUpdateView.as_view(), name="account_update"),
    path(
        "accounts/<int:pk>/credit-limit/",
        views.AccountCreditLimitView.as_view(),
        name="account_credit_limit",
    ),
    path(
        "accounts/<int:account_pk>/children/new/",
        views.AccountChildCreateView.as_view(),
        name="account_child_create",
    ),
    path(
        "accounts/<int:account_pk>/locations/new/",
        views.LocationFormView.as_view(),
        name="location_create",
    ),
    path(
        "accounts/<int:account_pk>/locations/<int:pk>/edit/",
        views.LocationFormView.as_view(),
        name="location_update",
    ),
    path(
        "accounts/<int:account_pk>/contacts/new/",
        views.ContactFormView.as_view(),
        name="contact_create",
    ),
    path(
        "accounts/<int:account_pk>/contacts/<int:pk>/edit/",
        views.ContactFormView.as_view(),
        name="contact_update",
    ),
    path(
        "accounts/<int:account_pk>/billing-profiles/new/",
        views.BillingProfileFormView.as_view(),
        name="billingprofile_create",
    ),
    path(
        "accounts/<int:account_pk>/billing-profiles/<int:pk>/edit/",
        views.BillingProfileFormView.as_view(),
        name="billingprofile_update",
    ),
]

# One POST-only URL per transition, named <model>_<transition> for the record header.
for _name in ("activate", "suspend", "close"):
    urlpatterns.append(
        path(
            f"accounts/<int:pk>/{_name}/",
            views.AccountTransitionView.as_view(transition_name=_name),
            name=f"account_{_name}",
        )
    )
for _name in ("activate", "deactivate"):
    urlpatterns.append(
        path(
            f"billing-profiles/<int:pk>/{_name}/",
            views.BillingProfileTransitionView.as_view(transition_name=_name),
            name=f"billingprofile_{_name}",
        )
    )

urlpatterns += [
    path("catalog/", catalog.OfferingListView.as_view(), name="offering_list"),
    path("catalog/coverage/", catalog.CoverageView.as_view(), name="coverage"),
    path("catalog/<int:pk>/", catalog.OfferingDetailView.as_view(), name="offering_detail"),
    path(
        "catalog/characteristic-inputs/",
        catalog.CharacteristicInputsView.as_view(),
        name="offering_inputs",
    ),
]
for _name in ("publish", "retire"):
    urlpatterns.append(
        path(
            f"catalog/<int:pk>/{_name}/",
            catalog.OfferingTransitionView.as_view(transition_name=_name),
            name=f"productoffering_{_name}",
        )
    )

urlpatterns += [
    path("leads/", leads.LeadListView.as_view(), name="lead_list"),
    path("leads/new/", leads.LeadFormView.as_view(), name="lead_create"),
    path("leads/<int:pk>/", leads.LeadDetailView.as_view(), name="lead_detail"),
    path("leads/<int:pk>/edit/", leads.LeadFormView.as_view(), name="lead_update"),
    path("leads/<int:pk>/convert/", leads.LeadConvertView.as_view(), name="lead_convert"),
    path("opportunities/", leads.OpportunityListView.as_view(), name="opportunity_list"),
    path("opportunities/new/", leads.OpportunityFormView.as_view(), name="opportunity_create"),
    path(
        "opportunities/<int:pk>/", leads.OpportunityDetailView.as_view(), name="opportunity_detail"
    ),
    path(
        "opportunities/<int:pk>/edit/",
        leads.OpportunityFormView.as_view(),
        name="opportunity_update",
    ),
    path(
        "opportunities/<int:opportunity_pk>/lines/new/",
        leads.OpportunityLineFormView.as_view(),
        name="opportunityline_create",
    ),
    path(
        "opportunities/<int:opportunity_pk>/lines/<int:pk>/edit/",
        leads.OpportunityLineFormView.as_view(),
        name="opportunityline_update",
    ),
    path(
        "opportunities/<int:opportunity_pk>/lines/<int:pk>/delete/",
        leads.OpportunityLineDeleteView.as_view(),
        name="opportunityline_delete",
    ),
    path("pipeline/", leads.PipelineView.as_view(), name="pipeline"),
]
for _name in ("start_work", "qualify", "disqualify", "reopen"):
    urlpatterns.append(
        path(
            f"leads/<int:pk>/{_name.replace('_', '-')}/",
            leads.LeadTransitionView.as_view(transition_name=_name),
            name=f"lead_{_name}",
        )
    )
for _name in ("to_proposal", "to_negotiation", "back_to_proposal", "close_won", "close_lost"):
    urlpatterns.append(
        path(
            f"opportunities/<int:pk>/{_name.replace('_', '-')}/",
            leads.OpportunityTransitionView.as_view(transition_name=_name),
            name=f"opportunity_{_name}",
        )
    )

urlpatterns += [
    path("agreements/", agreements.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", agreements.AgreementFormView.as_view(), name="agreement_create"),
    path("agreements/<int:pk>/", agreements.AgreementDetailView.as_view(), name="agreement_detail"),
    path(
        "agreements/<int:pk>/edit/", agreements.AgreementFormView.as_view(), name="agreement_update"
    ),
    path(
        "agreements/<int:agreement_pk>/<str:kind>/new/",
        agreements.AgreementPartFormView.as_view(),
        name="agreementpart_create",
    ),
    path(
        "agreements/<int:agreement_pk>/<str:kind>/<int:pk>/edit/",
        agreements.AgreementPartFormView.as_view(),
        name="agreementpart_update",
    ),
    path(
        "agreements/<int:agreement_pk>/<str:kind>/<int:pk>/delete/",
        agreements.AgreementPartDeleteView.as_view(),
        name="agreementpart_delete",
    ),
]
for _name in ("negotiate", "expire", "terminate"):
    urlpatterns.append(
        path(
            f"agreements/<int:pk>/{_name}/",
            agreements.AgreementTransitionView.as_view(transition_name=_name),
            name=f"salesagreement_{_name}",
        )
    )

urlpatterns += [
    path("quotes/", quotes.QuoteListView.as_view(), name="quote_list"),
    path("quotes/new/", quotes.QuoteCreateView.as_view(), name="quote_create"),
    path("quotes/approvals/", quotes.ApprovalQueueView.as_view(), name="quote_approvals"),
    path("quotes/<int:pk>/", quotes.QuoteDetailView.as_view(), name="quote_detail"),
    path("quotes/<int:pk>/lines/add/", quotes.QuoteLineAddView.as_view(), name="quoteline_add"),
    path(
        "quotes/<int:quote_pk>/lines/<int:pk>/edit/",
        quotes.QuoteLineUpdateView.as_view(),
        name="quoteline_update",
    ),
    path(
        "quotes/<int:quote_pk>/lines/<int:pk>/delete/",
        quotes.QuoteLineDeleteView.as_view(),
        name="quoteline_delete",
    ),
    path(
        "quotes/<int:quote_pk>/lines/<int:pk>/promote/",
        quotes.QuoteLinePromoteView.as_view(),
        name="quoteline_promote",
    ),
    path("quotes/<int:pk>/revise/", quotes.QuoteReviseView.as_view(), name="quote_revise"),
    path("quotes/<int:pk>/compare/", quotes.QuoteCompareView.as_view(), name="quote_compare"),
    path(
        "quotes/<int:pk>/notice/dismiss/",
        quotes.QuoteNoticeDismissView.as_view(),
        name="quote_notice_dismiss",
    ),
    path(
        "agreements/<int:pk>/new-quote/",
        quotes.QuoteFromAgreementView.as_view(),
        name="agreement_new_quote",
    ),
]
# Acceptance is recorded by the contracts stage, which prepares the document to sign (R12).
for _name in ("submit", "finalise", "approve", "send_back", "reopen", "reject", "cancel", "expire"):
    urlpatterns.append(
        path(
            f"quotes/<int:pk>/{_name.replace('_', '-')}/",
            quotes.QuoteTransitionView.as_view(transition_name=_name),
            name=f"quote_{_name}",
        )
    )
