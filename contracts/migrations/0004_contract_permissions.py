"""Contract managers make and run contracts; sales reads them (and makes the sales contract of
its signed quotes); order managers read them."""

from django.db import migrations

CONTRACTS = ["salescontract", "salescontractline", "servicecontract", "entitlement",
             "slacommitment", "entitlementrule"]


def perms(actions, models=CONTRACTS):
    return [f"contracts.{action}_{model}" for model in models for action in actions]


GRANTS = {
    "contract_manager": perms(["view", "add", "change"]),
    "sales_rep": perms(["view"]) + ["contracts.add_salescontract"],
    "sales_manager": perms(["view"]) + ["contracts.add_salescontract"],
    "order_manager": perms(["view"]),
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0003_sales_service_contracts")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
