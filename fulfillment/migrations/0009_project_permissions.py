"""Project and order managers run special projects (R21); agents may look at them."""

from django.db import migrations

RUN = ["fulfillment.view_specialproject", "fulfillment.change_specialproject"]
GRANTS = {"project_manager": RUN, "order_manager": RUN,
          "fulfillment_agent": ["fulfillment.view_specialproject"]}


def grant(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0008_special_projects")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
