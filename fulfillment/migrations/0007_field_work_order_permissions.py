"""Technicians see their visits and work them; project and order managers dispatch (R20)."""

from django.db import migrations

SEE = ["fulfillment.view_fieldworkorder"]
GRANTS = {
    "fulfillment_agent": SEE,
    "field_technician": SEE,
    "project_manager": [*SEE, "fulfillment.change_fieldworkorder"],
    "order_manager": [*SEE, "fulfillment.change_fieldworkorder"],
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0006_field_work_orders")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
