"""Sales orders its active contracts; order managers run orders; contract managers read."""

from django.db import migrations

MODELS = ["order", "orderline"]


def perms(actions, models=MODELS):
    return [f"orders.{action}_{model}" for model in models for action in actions]


GRANTS = {
    "order_manager": perms(["view", "add", "change"]),
    "sales_rep": perms(["view", "add"]),
    "sales_manager": perms(["view", "add"]),
    "contract_manager": perms(["view"]),
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_orders")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
