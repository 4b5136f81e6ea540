"""Whoever works tasks sees their fall-outs; agents, project managers and order managers
resolve them; only order managers cancel an order line (R22)."""

from django.db import migrations

SEE = ["fulfillment.view_fallout"]
RESOLVE = [*SEE, "fulfillment.change_fallout"]
GRANTS = {
    "fulfillment_agent": RESOLVE,
    "field_technician": SEE,
    "project_manager": RESOLVE,
    "order_manager": [*RESOLVE, "fulfillment.cancel_line"],
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0003_fallout_and_adapter_ledger")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
