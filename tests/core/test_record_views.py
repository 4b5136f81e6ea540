"""The record kit's generic views and URLs (telcrm.views): every named URL of the apps on it
keeps its name, its path and its methods."""

from django.urls import URLPattern, URLResolver, get_resolver

# Namespaces whose URLs are pinned here (fulfillment's and the admin's are not built on the
# kit's URL helper).
PINNED = ("", "sales:", "contracts:", "orders:", "cmdb:")


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "view_class", None)
            methods = getattr(view, "http_method_names", None)
            post_only = " POST" if methods == ["post"] else ""
            yield namespace, f"{namespace}{pattern.name}", prefix + str(pattern.pattern) + post_only


def url_table() -> dict[str, str]:
    """Each reversible URL name of the pinned namespaces: its path (and " POST" when the
    view answers POST only)."""
    table = {}
    for namespace, name, route in walk(get_resolver().url_patterns):
        if namespace in PINNED:
            assert name not in table, f"{name} is declared twice"
            table[name] = route
    return table


URLS = {
    "audit_log": "audit/",
    "cmdb:account_inventory": "cmdb/accounts/<int:pk>/inventory/",
    "cmdb:change_create": "cmdb/changes/new/",
    "cmdb:change_detail": "cmdb/changes/<int:pk>/",
    "cmdb:change_edit": "cmdb/changes/<int:pk>/edit/",
    "cmdb:change_list": "cmdb/changes/",
    "cmdb:changerequest_approve": "cmdb/changes/<int:pk>/approve/ POST",
    "cmdb:changerequest_close": "cmdb/changes/<int:pk>/close/ POST",
    "cmdb:changerequest_implement": "cmdb/changes/<int:pk>/implement/ POST",
    "cmdb:changerequest_reject": "cmdb/changes/<int:pk>/reject/ POST",
    "cmdb:changerequest_schedule": "cmdb/changes/<int:pk>/schedule/ POST",
    "cmdb:changerequest_submit": "cmdb/changes/<int:pk>/submit/ POST",
    "cmdb:incident_close": "cmdb/incidents/<int:pk>/close/ POST",
    "cmdb:incident_create": "cmdb/incidents/new/",
    "cmdb:incident_detail": "cmdb/incidents/<int:pk>/",
    "cmdb:incident_list": "cmdb/incidents/",
    "cmdb:incident_reopen": "cmdb/incidents/<int:pk>/reopen/ POST",
    "cmdb:incident_resolve": "cmdb/incidents/<int:pk>/resolve/ POST",
    "cmdb:incident_start": "cmdb/incidents/<int:pk>/start/ POST",
    "cmdb:item_detail": "cmdb/items/<int:pk>/",
    "cmdb:item_list": "cmdb/items/",
    "cmdb:item_status": "cmdb/items/<int:pk>/status/ POST",
    "cmdb:monitoring_status": "cmdb/api/monitoring/status/ POST",
    "cmdb:product_list": "cmdb/inventory/",
    "contracts:agreement_sign": "contracts/agreements/<int:pk>/sign/",
    "contracts:contract_create": "contracts/quotes/<int:pk>/contract/ POST",
    "contracts:contract_detail": "contracts/<int:pk>/",
    "contracts:contract_list": "contracts/",
    "contracts:contract_new_quote": "contracts/<int:pk>/new-quote/ POST",
    "contracts:document_detail": "contracts/documents/<int:pk>/",
    "contracts:document_pdf": "contracts/documents/<int:pk>/pdf/",
    "contracts:document_retry": "contracts/documents/<int:pk>/retry/ POST",
    "contracts:document_verify": "contracts/documents/<int:pk>/verify/",
    "contracts:quote_accept": "contracts/quotes/<int:pk>/accept/",
    "contracts:quote_document": "contracts/quotes/<int:pk>/document/",
    "contracts:salescontract_activate": "contracts/<int:pk>/activate/ POST",
    "contracts:salescontract_expire": "contracts/<int:pk>/expire/ POST",
    "contracts:salescontract_terminate": "contracts/<int:pk>/terminate/ POST",
    "contracts:servicecontract_activate": "contracts/services/<int:pk>/activate/ POST",
    "contracts:servicecontract_detail": "contracts/services/<int:pk>/",
    "contracts:servicecontract_expire": "contracts/services/<int:pk>/expire/ POST",
    "contracts:servicecontract_terminate": "contracts/services/<int:pk>/terminate/ POST",
    "contracts:servicecontracts_create": "contracts/<int:pk>/service-contracts/ POST",
    "contracts:sign": "contracts/sign/<str:token>/",
    "contracts:sign_pdf": "contracts/sign/<str:token>/document.pdf",
    "contracts:signingrequest_send": "contracts/documents/<int:pk>/signing-requests/ POST",
    "contracts:signingrequest_withdraw": "contracts/signing-requests/<int:pk>/withdraw/ POST",
    "contracts:slacommitment_save": "contracts/services/<int:pk>/slas/ POST",
    "home": "",
    "login": "login/",
    "logout": "logout/",
    "orders:order_approve": "orders/<int:pk>/approve/ POST",
    "orders:order_cancel": "orders/<int:pk>/cancel/ POST",
    "orders:order_create": "orders/from-contract/<int:pk>/",
    "orders:order_detail": "orders/<int:pk>/",
    "orders:order_list": "orders/",
    "orders:order_reject": "orders/<int:pk>/reject/ POST",
    "orders:order_reopen_quote": "orders/<int:pk>/reopen-quote/ POST",
    "orders:order_revise": "orders/<int:pk>/revise/ POST",
    "orders:order_submit": "orders/<int:pk>/submit/ POST",
    "orders:order_update": "orders/<int:pk>/edit/",
    "orders:order_validate": "orders/<int:pk>/validate/ POST",
    "orders:orderline_update": "orders/<int:pk>/lines/<int:line_pk>/edit/",
    "sales:account_activate": "sales/accounts/<int:pk>/activate/ POST",
    "sales:account_child_create": "sales/accounts/<int:account_pk>/children/new/",
    "sales:account_close": "sales/accounts/<int:pk>/close/ POST",
    "sales:account_create": "sales/accounts/new/",
    "sales:account_detail": "sales/accounts/<int:pk>/",
    "sales:account_import": "sales/accounts/import/",
    "sales:account_import_detail": "sales/accounts/import/<int:pk>/",
    "sales:account_list": "sales/accounts/",
    "sales:account_suspend": "sales/accounts/<int:pk>/suspend/ POST",
    "sales:account_update": "sales/accounts/<int:pk>/edit/",
    "sales:agreement_create": "sales/agreements/new/",
    "sales:agreement_detail": "sales/agreements/<int:pk>/",
    "sales:agreement_list": "sales/agreements/",
    "sales:agreement_new_quote": "sales/agreements/<int:pk>/new-quote/ POST",
    "sales:agreement_update": "sales/agreements/<int:pk>/edit/",
    "sales:agreementpart_create": "sales/agreements/<int:agreement_pk>/<str:kind>/new/",
    "sales:agreementpart_delete": "sales/agreements/<int:agreement_pk>/<str:kind>/<int:pk>/delete/ POST",  # noqa: E501
    "sales:agreementpart_update": "sales/agreements/<int:agreement_pk>/<str:kind>/<int:pk>/edit/",
    "sales:billingprofile_activate": "sales/billing-profiles/<int:pk>/activate/ POST",
    "sales:billingprofile_create": "sales/accounts/<int:account_pk>/billing-profiles/new/",
    "sales:billingprofile_deactivate": "sales/billing-profiles/<int:pk>/deactivate/ POST",
    "sales:billingprofile_update": "sales/accounts/<int:account_pk>/billing-profiles/<int:pk>/edit/",  # noqa: E501
    "sales:contact_create": "sales/accounts/<int:account_pk>/contacts/new/",
    "sales:contact_update": "sales/accounts/<int:account_pk>/contacts/<int:pk>/edit/",
    "sales:coverage": "sales/catalog/coverage/",
    "sales:lead_convert": "sales/leads/<int:pk>/convert/",
    "sales:lead_create": "sales/leads/new/",
    "sales:lead_detail": "sales/leads/<int:pk>/",
    "sales:lead_disqualify": "sales/leads/<int:pk>/disqualify/ POST",
    "sales:lead_list": "sales/leads/",
    "sales:lead_qualify": "sales/leads/<int:pk>/qualify/ POST",
    "sales:lead_reopen": "sales/leads/<int:pk>/reopen/ POST",
    "sales:lead_start_work": "sales/leads/<int:pk>/start-work/ POST",
    "sales:lead_update": "sales/leads/<int:pk>/edit/",
    "sales:location_create": "sales/accounts/<int:account_pk>/locations/new/",
    "sales:location_update": "sales/accounts/<int:account_pk>/locations/<int:pk>/edit/",
    "sales:offering_detail": "sales/catalog/<int:pk>/",
    "sales:offering_inputs": "sales/catalog/characteristic-inputs/",
    "sales:offering_list": "sales/catalog/",
    "sales:opportunity_back_to_proposal": "sales/opportunities/<int:pk>/back-to-proposal/ POST",
    "sales:opportunity_close_lost": "sales/opportunities/<int:pk>/close-lost/ POST",
    "sales:opportunity_close_won": "sales/opportunities/<int:pk>/close-won/ POST",
    "sales:opportunity_create": "sales/opportunities/new/",
    "sales:opportunity_detail": "sales/opportunities/<int:pk>/",
    "sales:opportunity_list": "sales/opportunities/",
    "sales:opportunity_to_negotiation": "sales/opportunities/<int:pk>/to-negotiation/ POST",
    "sales:opportunity_to_proposal": "sales/opportunities/<int:pk>/to-proposal/ POST",
    "sales:opportunity_update": "sales/opportunities/<int:pk>/edit/",
    "sales:opportunityline_create": "sales/opportunities/<int:opportunity_pk>/lines/new/",
    "sales:opportunityline_delete": "sales/opportunities/<int:opportunity_pk>/lines/<int:pk>/delete/ POST",  # noqa: E501
    "sales:opportunityline_update": "sales/opportunities/<int:opportunity_pk>/lines/<int:pk>/edit/",
    "sales:pipeline": "sales/pipeline/",
    "sales:productoffering_publish": "sales/catalog/<int:pk>/publish/ POST",
    "sales:productoffering_retire": "sales/catalog/<int:pk>/retire/ POST",
    "sales:quote_approvals": "sales/quotes/approvals/",
    "sales:quote_approve": "sales/quotes/<int:pk>/approve/ POST",
    "sales:quote_cancel": "sales/quotes/<int:pk>/cancel/ POST",
    "sales:quote_compare": "sales/quotes/<int:pk>/compare/",
    "sales:quote_create": "sales/quotes/new/",
    "sales:quote_detail": "sales/quotes/<int:pk>/",
    "sales:quote_expire": "sales/quotes/<int:pk>/expire/ POST",
    "sales:quote_finalise": "sales/quotes/<int:pk>/finalise/ POST",
    "sales:quote_list": "sales/quotes/",
    "sales:quote_notice_dismiss": "sales/quotes/<int:pk>/notice/dismiss/ POST",
    "sales:quote_reject": "sales/quotes/<int:pk>/reject/ POST",
    "sales:quote_reopen": "sales/quotes/<int:pk>/reopen/ POST",
    "sales:quote_revise": "sales/quotes/<int:pk>/revise/ POST",
    "sales:quote_send_back": "sales/quotes/<int:pk>/send-back/ POST",
    "sales:quote_submit": "sales/quotes/<int:pk>/submit/ POST",
    "sales:quoteline_add": "sales/quotes/<int:pk>/lines/add/",
    "sales:quoteline_delete": "sales/quotes/<int:quote_pk>/lines/<int:pk>/delete/ POST",
    "sales:quoteline_promote": "sales/quotes/<int:quote_pk>/lines/<int:pk>/promote/ POST",
    "sales:quoteline_update": "sales/quotes/<int:quote_pk>/lines/<int:pk>/edit/",
    "sales:salesagreement_expire": "sales/agreements/<int:pk>/expire/ POST",
    "sales:salesagreement_negotiate": "sales/agreements/<int:pk>/negotiate/ POST",
    "sales:salesagreement_terminate": "sales/agreements/<int:pk>/terminate/ POST",
}


def test_every_url_keeps_its_name_path_and_methods():
    assert url_table() == URLS
