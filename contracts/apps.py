from django.apps import AppConfig


class ContractsConfig(AppConfig):
    """Layer 2: quote documents, legal signatures, sales and service contracts."""

    name = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        from telcrm.ui import HomePanel, NavItem, register_home_panel, register_nav

        from .home import contracts_to_do_panel, expired_recently_panel, my_signatures_panel

        register_nav(
            NavItem(
                "Contracts",
                "contracts:contract_list",
                "file-earmark-check",
                "contracts.view_salescontract",
                9.5,
            )
        )
        register_home_panel(HomePanel("contracts/home_signatures.html", my_signatures_panel, 4))
        register_home_panel(HomePanel("contracts/home_contracts.html", contracts_to_do_panel, 2))
        register_home_panel(HomePanel("contracts/home_expired.html", expired_recently_panel, 4.5))
