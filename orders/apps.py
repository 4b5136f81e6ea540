from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Layer 4: product orders, their lines, validation, approval, decomposition."""

    name = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from telcrm.ui import HomePanel, NavItem, register_home_panel, register_nav

        from .home import my_orders_panel, orders_to_approve_panel, waiting_for_finance_panel

        register_nav(NavItem("Orders", "orders:order_list", "cart-check", "orders.view_order", 11))
        register_home_panel(HomePanel("orders/home_approvals.html", orders_to_approve_panel, 1))
        register_home_panel(HomePanel("orders/home_my_orders.html", my_orders_panel, 3))
        register_home_panel(HomePanel("orders/home_finance.html", waiting_for_finance_panel, 2))
