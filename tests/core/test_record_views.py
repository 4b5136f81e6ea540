"""The record kit's generic views and URLs (telcrm.views): every named URL of the apps on it
keeps its name, its path and its methods."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views import View

from sales.models import Lead
from telcrm.views import ActionView, Transitions, TransitionView, record_urls
from tests.factories import LeadFactory

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
    "password_change": "password/",
    "sales:account_activate": "sales/accounts/<int:pk>/activate/ POST",
    "sales:account_child_create": "sales/accounts/<int:account_pk>/children/new/",
    "sales:account_close": "sales/accounts/<int:pk>/close/ POST",
    "sales:account_create": "sales/accounts/new/",
    "sales:account_credit_limit": "sales/accounts/<int:pk>/credit-limit/",
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


class _Detail(View):
    pass


class _Act(ActionView):
    pass


def test_record_urls_give_the_list_the_page_and_one_post_url_per_transition_and_action():
    urls = record_urls(
        "leads/",
        "lead",
        list_view=_Detail,
        detail_view=_Detail,
        transitions=Transitions(("start_work", "qualify"), model=Lead, service=print),
        actions={"convert": _Act, "notice_dismiss": ("notice/dismiss", _Act)},
    )
    assert [(u.name, str(u.pattern)) for u in urls] == [
        ("lead_list", "leads/"),
        ("lead_detail", "leads/<int:pk>/"),
        ("lead_start_work", "leads/<int:pk>/start-work/"),
        ("lead_qualify", "leads/<int:pk>/qualify/"),
        ("lead_convert", "leads/<int:pk>/convert/"),
        ("lead_notice_dismiss", "leads/<int:pk>/notice/dismiss/"),
    ]
    transition = urls[2].callback.view_initkwargs
    assert transition["transition_name"] == "start_work" and transition["model"] is Lead


def test_an_action_that_answers_get_gets_no_url_of_its_own():
    with pytest.raises(ValueError, match="POST only"):
        record_urls("leads/", "lead", actions={"look": _Detail})


def _post(rf, user, view, pk, data=None):
    request = rf.post("/", data or {})
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request, view(request, pk=pk)


def test_one_transition_view_calls_the_service_with_the_name_and_the_reason(rf, users):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    calls = []

    def service(*, actor, lead_id, name, why):
        calls.append((actor, lead_id, name, why))
        return Lead.objects.get(pk=lead_id)

    view = TransitionView.as_view(
        model=Lead,
        service=service,
        id_arg="lead_id",
        reason_arg="why",
        transition_name="disqualify",
    )
    request, response = _post(rf, users["rep"], view, lead.pk, {"reason": "No budget"})
    assert calls == [(users["rep"], lead.pk, "disqualify", "No budget")]
    assert response.status_code == 302 and response.url == lead.get_absolute_url()


def test_a_transition_with_its_own_service_gets_only_the_actor_and_the_id(rf, users):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    calls = []

    def start(*, actor, lead_id):
        calls.append((actor, lead_id))
        return Lead.objects.get(pk=lead_id)

    view = TransitionView.as_view(
        model=Lead,
        service=None,
        services={"start_work": start},
        id_arg="lead_id",
        reason_arg="reason",
        transition_name="start_work",
    )
    request, response = _post(rf, users["rep"], view, lead.pk)
    assert calls == [(users["rep"], lead.pk)]
    assert [str(m) for m in get_messages(request)] == [f"{lead}: new."]


def test_a_transition_view_refuses_a_role_without_the_model_view_permission(rf, users):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    view = TransitionView.as_view(model=Lead, service=print, transition_name="start_work")
    with pytest.raises(PermissionDenied):  # a 403 page
        _post(rf, users["outsider"], view, lead.pk)


def test_a_list_page_names_its_records_and_shows_the_shared_filter_bar(login, users):
    page = login(users["rep"]).get(reverse("sales:lead_list"))
    html = page.content.decode()
    assert page.context["breadcrumbs"] == [("Leads", "")]
    assert html.count('class="row g-2 align-items-end filter-bar mb-3"') == 1
    assert 'name="created_before"' in html and f'href="{reverse("sales:lead_list")}"' in html
