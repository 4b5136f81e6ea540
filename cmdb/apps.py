from django.apps import AppConfig


class CmdbConfig(AppConfig):
    """Layer 3: product inventory (TMF637) and, later, service inventory and configuration
    items. It may import ``sales`` and ``contracts``, never ``orders`` or ``fulfillment``."""

    name = "cmdb"
    verbose_name = "CMDB"
