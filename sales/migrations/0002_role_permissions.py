"""Grant the sales app's model permissions to the roles (R29)."""

from django.db import migrations

PARTS = ["account", "location", "contact", "billingprofile"]


def perms(actions, models=PARTS):
    return [f"sales.{action}_{model}" for model in models for action in actions]


GRANTS = {
    "sales_rep": perms(["view", "add", "change"]),
    "sales_manager": perms(["view", "add", "change"]) + ["sales.close_account"],
    "contract_manager": perms(["view"]) + perms(["add", "change"], ["contact"]),
    "order_manager": perms(["view"]) + perms(["add", "change"], ["billingprofile"]),
    "fulfillment_agent": perms(["view"], ["account", "location", "contact"]),
    "field_technician": perms(["view"], ["account", "location", "contact"]),
    "project_manager": perms(["view"], ["account", "location", "contact"]),
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial"), ("telcrm", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
