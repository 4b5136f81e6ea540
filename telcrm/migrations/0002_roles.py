"""Create the role groups (R29). Each app's own data migration grants its permissions."""

from django.db import migrations

ROLES = [
    "sales_rep", "sales_manager", "contract_manager", "order_manager",
    "fulfillment_agent", "field_technician", "project_manager",
]


def create_roles(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, {role: [] for role in ROLES})
    grant_permissions(apps, {
        "sales_rep": ["telcrm.view_team"],
        "sales_manager": ["telcrm.view_team"],
    })


class Migration(migrations.Migration):
    dependencies = [("telcrm", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
