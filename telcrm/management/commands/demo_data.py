"""Load the demo data of every app, lowest layer first. Safe to run again: it changes nothing
that is already there."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = "Load the demo telco (users, teams, accounts, ...). Idempotent."

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 1
        ours = {"telcrm", *settings.TELCRM_APPS}

        def log(message: str) -> None:
            if verbose:
                self.stdout.write(f"  + {message}")

        # Demo customers are fictitious: the signing links the demo sends go nowhere.
        no_mail = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        with override_settings(MAILERS=no_mail), transaction.atomic():
            for app_config in apps.get_app_configs():
                if app_config.name in ours and module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").load(log)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        if settings.DEBUG:
            from telcrm.demo import DEMO_PASSWORD, DEMO_USERS

            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, first, last, role in DEMO_USERS:
                self.stdout.write(f"  {username:<7} {first} {last} – {role or 'administrator'}")
