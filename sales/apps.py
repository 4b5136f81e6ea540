from django.apps import AppConfig


class SalesConfig(AppConfig):
    """Layer 1: accounts, catalog, leads, opportunities, agreements and quotes."""

    name = "sales"
    verbose_name = "Sales"

    def ready(self) -> None:
        from telcrm.ui import HomePanel, NavItem, register_home_panel, register_nav

        from .home import my_accounts_panel, my_pipeline_panel, my_quotes_panel

        register_nav(
            NavItem("Accounts", "sales:account_list", "building", "sales.view_account", 10)
        )
        register_nav(NavItem("Leads", "sales:lead_list", "person-lines-fill", "sales.view_lead", 4))
        register_nav(
            NavItem(
                "Opportunities", "sales:opportunity_list", "briefcase", "sales.view_opportunity", 6
            )
        )
        register_nav(NavItem("Pipeline", "sales:pipeline", "kanban", "sales.view_opportunity", 8))
        register_nav(
            NavItem("Quotes", "sales:quote_list", "receipt-cutoff", "sales.view_quote", 8.5)
        )
        register_nav(
            NavItem(
                "Approvals", "sales:quote_approvals", "check2-square", "sales.approve_quote", 8.7
            )
        )
        register_nav(
            NavItem(
                "Agreements",
                "sales:agreement_list",
                "file-earmark-text",
                "sales.view_salesagreement",
                9,
            )
        )
        register_nav(
            NavItem("Catalog", "sales:offering_list", "box-seam", "sales.view_productoffering", 20)
        )
        register_home_panel(HomePanel("sales/home_quotes.html", my_quotes_panel, 3))
        register_home_panel(HomePanel("sales/home_pipeline.html", my_pipeline_panel, 5))
        register_home_panel(HomePanel("sales/home_accounts.html", my_accounts_panel, 10))
