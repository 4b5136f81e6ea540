"""Sales and contract managers shape agreements; signing them is for managers (R6, R29)."""

from django.db import migrations

MODELS = ["salesagreement", "agreementline", "agreementsla", "partnerterm"]


def perms(actions, models=MODELS):
    return [f"sales.{action}_{model}" for model in models for action in actions]


GRANTS = {
    "sales_rep": perms(["view", "add", "change", "delete"]),
    "sales_manager": perms(["view", "add", "change", "delete"]) + ["sales.sign_salesagreement"],
    "contract_manager": perms(["view", "add", "change", "delete"])
    + ["sales.sign_salesagreement"],
    "order_manager": perms(["view"]),
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("sales", "0008_agreements")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
