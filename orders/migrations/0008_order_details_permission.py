"""Sales people change the non-commercial details of their customers' orders (requested date,
site contacts, notes) as the order manager does; commercial changes still go through a new
quote version: the permission for it. (Which roles hold it is set by telcrm.roles.)"""

from django.db import migrations


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
    ]
