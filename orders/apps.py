from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Layer 4: product orders, their lines, validation, approval, decomposition."""

    name = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from telcrm.ui import NavItem, register_nav

        register_nav(NavItem("Orders", "orders:order_list", "cart-check", "orders.view_order", 11))
