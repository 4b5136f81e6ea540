from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    """Layer 5: flow and task templates, sub flows and tasks, work queues (R20-R24)."""

    name = "fulfillment"
    verbose_name = "Fulfillment"

    def ready(self) -> None:
        from telcrm.ui import (
            HomePanel,
            NavItem,
            RecordPanel,
            register_home_panel,
            register_nav,
            register_record_panel,
        )

        from .home import (
            fallouts_panel,
            my_projects_panel,
            my_tasks_panel,
            order_work_panel,
            orders_to_start_panel,
        )

        register_nav(
            NavItem("Work", "fulfillment:task_queue", "list-task", "fulfillment.view_task", 12)
        )
        register_home_panel(HomePanel("fulfillment/home_tasks.html", my_tasks_panel, 0))
        register_nav(
            NavItem(
                "Field", "fulfillment:work_orders", "truck", "fulfillment.view_fieldworkorder", 12.5
            )
        )
        register_nav(
            NavItem(
                "Projects",
                "fulfillment:projects",
                "kanban",
                "fulfillment.view_specialproject",
                12.7,
            )
        )
        register_nav(
            NavItem(
                "Fall-out",
                "fulfillment:fallout_queue",
                "exclamation-octagon",
                "fulfillment.view_fallout",
                13,
            )
        )
        register_home_panel(HomePanel("fulfillment/home_start.html", orders_to_start_panel, 1.5))
        register_home_panel(HomePanel("fulfillment/home_fallouts.html", fallouts_panel, 0.5))
        register_home_panel(HomePanel("fulfillment/home_projects.html", my_projects_panel, 0.7))
        register_record_panel(
            RecordPanel("orders.order", "fulfillment/order_work.html", order_work_panel)
        )
