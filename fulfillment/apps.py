from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    """Layer 5: flow and task templates, sub flows and tasks, work queues (R20-R24)."""

    name = "fulfillment"
    verbose_name = "Fulfillment"

    def ready(self) -> None:
        from telcrm.ui import HomePanel, NavItem, register_home_panel, register_nav

        from .home import my_tasks_panel, orders_to_start_panel

        register_nav(NavItem("Work", "fulfillment:task_queue", "list-task",
                             "fulfillment.view_task", 12))  # fmt: skip
        register_home_panel(HomePanel("fulfillment/home_tasks.html", my_tasks_panel, 0))
        register_home_panel(HomePanel("fulfillment/home_start.html", orders_to_start_panel, 1.5))
