"""Service operations run the live service: item status, change requests (approving those
raised by someone else) and incidents. Everyone who reads a customer's inventory reads its
items, changes and incidents too."""

from django.db import migrations

READERS = ("sales_rep", "sales_manager", "contract_manager", "order_manager",
           "fulfillment_agent", "field_technician", "project_manager")
READ = ["cmdb.view_configurationitem", "cmdb.view_changerequest", "cmdb.view_incident"]
GRANTS = {role: READ for role in READERS}
GRANTS["service_operations"] = [
    *READ,
    "cmdb.view_productinventory",
    "cmdb.change_configurationitem",
    "cmdb.add_changerequest",
    "cmdb.change_changerequest",
    "cmdb.approve_changerequest",
    "cmdb.add_incident",
    "cmdb.change_incident",
    "sales.view_account",
    "sales.view_location",
    "sales.view_contact",
    "contracts.view_servicecontract",
    # Every role reads the catalog (sales 0004).
    *[
        f"sales.view_{model}"
        for model in (
            "productoffering",
            "productspecification",
            "characteristicspecification",
            "pricerule",
            "feasibilityrule",
            "specificationrelationship",
        )
    ],
]


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("cmdb", "0004_configuration_items"),
        ("sales", "0004_catalog_permissions"),
        ("contracts", "0002_permissions"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
