from django.apps import AppConfig


class CmdbConfig(AppConfig):
    """Layer 3: product inventory (TMF637), service inventory, configuration items, and the
    change requests and incidents raised against them. It may import ``sales`` and
    ``contracts``, never ``orders`` or ``fulfillment``."""

    name = "cmdb"
    verbose_name = "CMDB"

    def ready(self) -> None:
        from telcrm.ui import HomePanel, NavItem, register_home_panel, register_nav

        from .home import changes_to_approve_panel, open_incidents_panel

        register_nav(
            NavItem(
                "Inventory", "cmdb:product_list", "box-seam", "cmdb.view_productinventory", 13.5
            )
        )
        register_nav(
            NavItem("Items", "cmdb:item_list", "hdd-network", "cmdb.view_configurationitem", 13.7)
        )
        register_nav(
            NavItem(
                "Incidents", "cmdb:incident_list", "exclamation-triangle", "cmdb.view_incident", 14
            )
        )
        register_nav(
            NavItem("Changes", "cmdb:change_list", "arrow-repeat", "cmdb.view_changerequest", 14.5)
        )
        register_home_panel(HomePanel("cmdb/incident_home_panel.html", open_incidents_panel, 0.2))
        register_home_panel(HomePanel("cmdb/change_home_panel.html", changes_to_approve_panel, 0.3))
