"""The global discount threshold that quotes start from. (This migration also granted the
quote permissions to the roles; those are now set by telcrm.roles.sync_roles after every
migrate. The name stays so that databases that applied it keep a consistent history.)"""

from decimal import Decimal

from django.db import migrations


def default_threshold(apps, schema_editor):
    DiscountThreshold = apps.get_model("sales", "DiscountThreshold")
    DiscountThreshold.objects.get_or_create(
        offering_kind="", defaults={"max_discount_percent": Decimal("10.00")}
    )


class Migration(migrations.Migration):
    dependencies = [("sales", "0010_quotes")]

    operations = [migrations.RunPython(default_threshold, migrations.RunPython.noop)]
