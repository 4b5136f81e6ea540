"""updated_at on locations, contacts and billing profiles: the version token of their edit
forms (R31)."""

import django.utils.timezone
from django.db import migrations, models



class Migration(migrations.Migration):
    dependencies = [("sales", "0003_catalog")]

    operations = [
        op
        for model in ["location", "contact", "billingprofile"]
        for op in (
            migrations.AddField(
                model_name=model,
                name="updated_at",
                field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
                preserve_default=False,
            ),
            migrations.AddField(
                model_name=f"historical{model}",
                name="updated_at",
                field=models.DateTimeField(
                    blank=True, editable=False, default=django.utils.timezone.now
                ),
                preserve_default=False,
            ),
        )
    ]
