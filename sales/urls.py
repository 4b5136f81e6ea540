from django.urls import path

from telcrm.views import Transitions, form_urls, record_urls

from . import services
from .models import (
    Account,
    BillingProfile,
    Lead,
    Opportunity,
    ProductOffering,
    Quote,
    SalesAgreement,
)
from .views import accounts as views
from .views import agreements, catalog, leads, quotes

app_name = "sales"

urlpatterns = [
    *record_urls(
        "accounts/",
        "account",
        list_view=views.AccountListView,
        detail_view=views.AccountDetailView,
        transitions=Transitions(
            ("activate", "suspend", "close"),
            model=Account,
            service=services.account_transition,
            id_arg="account_id",
        ),
    ),
    *record_urls(
        "billing-profiles/",
        "billingprofile",
        transitions=Transitions(
            ("activate", "deactivate"),
            model=BillingProfile,
            service=services.billing_profile_transition,
            id_arg="profile_id",
        ),
    ),
    path("accounts/new/", views.AccountCreateView.as_view(), name="account_create"),
    path("accounts/import/", views.AccountImportView.as_view(), name="account_import"),
    path(
        "accounts/import/<int:pk>/",
        views.AccountImportDetailView.as_view(),
        name="account_import_detail",
    ),
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
    *form_urls("accounts/<int:account_pk>/locations/", "location", views.LocationFormView),
    *form_urls("accounts/<int:account_pk>/contacts/", "contact", views.ContactFormView),
    *form_urls(
        "accounts/<int:account_pk>/billing-profiles/",
        "billingprofile",
        views.BillingProfileFormView,
    ),
]

urlpatterns += [
    *record_urls(
        "catalog/",
        "offering",
        list_view=catalog.OfferingListView,
        detail_view=catalog.OfferingDetailView,
        transitions=Transitions(
            ("publish", "retire"),
            model=ProductOffering,
            service=services.offering_transition,
            id_arg="offering_id",
        ),
    ),
    path("catalog/coverage/", catalog.CoverageView.as_view(), name="coverage"),
    path(
        "catalog/characteristic-inputs/",
        catalog.CharacteristicInputsView.as_view(),
        name="offering_inputs",
    ),
]
urlpatterns += [
    *record_urls(
        "leads/",
        "lead",
        list_view=leads.LeadListView,
        detail_view=leads.LeadDetailView,
        transitions=Transitions(
            ("start_work", "qualify", "disqualify", "reopen"),
            model=Lead,
            service=services.lead_transition,
            id_arg="lead_id",
            reason_arg="reason",
        ),
    ),
    *form_urls("leads/", "lead", leads.LeadFormView),
    path("leads/<int:pk>/convert/", leads.LeadConvertView.as_view(), name="lead_convert"),
    *record_urls(
        "opportunities/",
        "opportunity",
        list_view=leads.OpportunityListView,
        detail_view=leads.OpportunityDetailView,
        transitions=Transitions(
            ("to_proposal", "to_negotiation", "back_to_proposal", "close_won", "close_lost"),
            model=Opportunity,
            field="stage",
            service=services.opportunity_transition,
            id_arg="opportunity_id",
            reason_arg="reason",
        ),
    ),
    *form_urls("opportunities/", "opportunity", leads.OpportunityFormView),
    *form_urls(
        "opportunities/<int:opportunity_pk>/lines/",
        "opportunityline",
        leads.OpportunityLineFormView,
        delete_view=leads.OpportunityLineDeleteView,
    ),
    path("pipeline/", leads.PipelineView.as_view(), name="pipeline"),
]
urlpatterns += [
    *record_urls(
        "agreements/",
        "agreement",
        list_view=agreements.AgreementListView,
        detail_view=agreements.AgreementDetailView,
        transitions=Transitions(
            ("negotiate", "expire", "terminate"),
            model=SalesAgreement,
            service=services.agreement_transition,
            id_arg="agreement_id",
            reason_arg="reason",
        ),
        # A new quote for the agreement's customer, priced by it (R8).
        actions={"new_quote": quotes.QuoteFromAgreementView},
    ),
    *form_urls("agreements/", "agreement", agreements.AgreementFormView),
    *form_urls(
        "agreements/<int:agreement_pk>/<str:kind>/",
        "agreementpart",
        agreements.AgreementPartFormView,
        delete_view=agreements.AgreementPartDeleteView,
    ),
]
urlpatterns += [
    *record_urls(
        "quotes/",
        "quote",
        list_view=quotes.QuoteListView,
        detail_view=quotes.QuoteDetailView,
        # Acceptance is recorded by the contracts stage, which prepares the document (R12).
        transitions=Transitions(
            ("submit", "finalise", "approve", "send_back", "reopen", "reject", "cancel", "expire"),
            model=Quote,
            service=services.quote_transition,
            id_arg="quote_id",
            reason_arg="comment",
        ),
        actions={
            "revise": quotes.QuoteReviseView,
            "notice_dismiss": ("notice/dismiss", quotes.QuoteNoticeDismissView),
        },
    ),
    path("quotes/new/", quotes.QuoteCreateView.as_view(), name="quote_create"),
    path("quotes/approvals/", quotes.ApprovalQueueView.as_view(), name="quote_approvals"),
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
    path("quotes/<int:pk>/compare/", quotes.QuoteCompareView.as_view(), name="quote_compare"),
]
