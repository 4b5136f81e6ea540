from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class TelcrmConfig(AppConfig):
    """Project core: numbering, teams, roles, audit wiring and the UI shell."""

    name = "telcrm"
    verbose_name = "telcrm core"

    def ready(self) -> None:
        # Connected after django.contrib.auth's receiver (auth comes first in
        # INSTALLED_APPS), so each app's permissions exist when this runs for it.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="telcrm.sync_roles")
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .middleware import start_session_clock
        from .security import log_login_failed, log_login_locked_out

        user_logged_in.connect(start_session_clock, dispatch_uid="telcrm.session_clock")
        # The security log (R40).
        user_login_failed.connect(log_login_failed, dispatch_uid="telcrm.log_login_failed")
        user_locked_out.connect(log_login_locked_out, dispatch_uid="telcrm.log_locked_out")


def sync_roles_after_migrate(sender, using="default", verbosity=1, **kwargs) -> None:
    """After ``migrate`` (and after a test run's ``flush``, which sends the same signal):
    bring the role groups in line with ``ROLE_PERMISSIONS``. post_migrate is sent once per
    app; the roles are synced on the last app's signal, when every app's permissions exist."""
    from .roles import MissingPermissions, sync_roles

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if not with_models or sender.label != with_models[-1].label:
        return
    try:
        changes = sync_roles(using=using)
    except MissingPermissions as exc:
        # A database migrated only part of the way: the roles wait for the rest.
        if verbosity >= 1:
            print(f"Roles not synced: {exc}")
        return
    if verbosity >= 2:
        for role, (added, removed) in changes.items():
            print(f"Role {role}: +{len(added)} -{len(removed)} permissions")
