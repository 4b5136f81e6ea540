"""Sales people change the non-commercial details of their customers' orders (requested date,
site contacts, notes) as the order manager does; commercial changes still go through a new
quote version."""

from django.db import migrations

GRANTS = {
    role: ["orders.change_order_details"]
    for role in ("sales_rep", "sales_manager", "order_manager")
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_help_texts_without_rule_ids")]
    operations = [
        migrations.AlterModelOptions(
            name="order",
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("approve_order", "Can approve or reject orders"),
                    ("change_order_details", "Can change an order's dates, contacts and notes"),
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
