"""Every role reads the catalog (R29); administrators manage it in Django admin."""

from django.db import migrations

CATALOG = [
    "productoffering",
    "productspecification",
    "characteristicspecification",
    "pricerule",
    "feasibilityrule",
    "specificationrelationship",
]
ROLES = [
    "sales_rep",
    "sales_manager",
    "contract_manager",
    "order_manager",
    "fulfillment_agent",
    "field_technician",
    "project_manager",
]


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, {role: [f"sales.view_{model}" for model in CATALOG] for role in ROLES})


class Migration(migrations.Migration):
    dependencies = [("sales", "0003_catalog")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
