"""Leads and opportunities belong to sales; contract and order managers read opportunities."""

from django.db import migrations

MODELS = ["lead", "leadline", "opportunity", "opportunityline"]


def perms(actions, models=MODELS):
    return [f"sales.{action}_{model}" for model in models for action in actions]


GRANTS = {
    "sales_rep": perms(["view", "add", "change"]),
    "sales_manager": perms(["view", "add", "change"]),
    "contract_manager": perms(["view"], ["opportunity", "opportunityline"]),
    "order_manager": perms(["view"], ["opportunity", "opportunityline"]),
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("sales", "0006_leads_opportunities")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
