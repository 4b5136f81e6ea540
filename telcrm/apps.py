from django.apps import AppConfig


class TelcrmConfig(AppConfig):
    """Project core: numbering, teams, roles, audit wiring and the UI shell."""

    name = "telcrm"
    verbose_name = "telcrm core"
