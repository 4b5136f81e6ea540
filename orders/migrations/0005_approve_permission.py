"""Order managers approve and reject orders (R18)."""

from django.db import migrations

GRANTS = {"order_manager": ["orders.approve_order"]}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_approval_decomposition")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
