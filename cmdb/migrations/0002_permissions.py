"""Everyone who works with a customer's records reads its inventory; nobody edits it by hand
(orders and closure create and activate it)."""

from django.db import migrations

GRANTS = {
    role: ["cmdb.view_productinventory"]
    for role in ("sales_rep", "sales_manager", "contract_manager", "order_manager",
                 "fulfillment_agent", "field_technician", "project_manager")
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("cmdb", "0001_initial")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
