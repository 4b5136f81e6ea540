"""Sales builds quotes, sales managers approve discounts; a global discount threshold."""

from decimal import Decimal

from django.db import migrations

MODELS = ["quote", "quoteline"]


def perms(actions, models=MODELS):
    return [f"sales.{action}_{model}" for model in models for action in actions]


GRANTS = {
    "sales_rep": perms(["view", "add", "change", "delete"]),
    "sales_manager": perms(["view", "add", "change", "delete"]) + ["sales.approve_quote"],
    "contract_manager": perms(["view"]),
    "order_manager": perms(["view"]),
}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)
    DiscountThreshold = apps.get_model("sales", "DiscountThreshold")
    DiscountThreshold.objects.get_or_create(
        offering_kind="", defaults={"max_discount_percent": Decimal("10.00")}
    )


class Migration(migrations.Migration):
    dependencies = [("sales", "0010_quotes")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
