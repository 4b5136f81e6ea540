"""Sales sends accepted quotes for signature; contract managers handle every document;
order managers read them."""

from django.db import migrations

DOCUMENTS = ["document", "signingrequest", "signature"]


def perms(actions, models=DOCUMENTS):
    return [f"contracts.{action}_{model}" for model in models for action in actions]


GRANTS = {
    "sales_rep": perms(["view"]) + ["contracts.add_signingrequest"],
    "sales_manager": perms(["view"]) + ["contracts.add_signingrequest"],
    "contract_manager": perms(["view"]) + ["contracts.add_signingrequest"],
    "order_manager": perms(["view"]),
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_documents_signatures")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
