"""Fulfillment roles work tasks; order managers start fulfillment and read it all."""

from django.db import migrations

WORK = ["fulfillment.view_task", "fulfillment.change_task", "fulfillment.view_subflow"]
GRANTS = {
    "fulfillment_agent": WORK,
    "field_technician": WORK,
    "project_manager": WORK,
    "order_manager": [*WORK, "fulfillment.add_subflow"],
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0001_initial")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
