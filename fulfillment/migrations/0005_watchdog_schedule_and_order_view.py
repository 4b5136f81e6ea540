"""The watchdog runs every five minutes (R22); fulfillment roles may open the order page of
the work they do."""

from django.db import migrations

GRANTS = {role: ["orders.view_order"]
          for role in ("fulfillment_agent", "field_technician", "project_manager")}


def schedule(apps, schema_editor):
    from telcrm.roles import grant_permissions

    grant_permissions(apps, GRANTS)
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="Fulfillment watchdog",
        defaults={"func": "fulfillment.tasks.watchdog", "schedule_type": "I", "minutes": 5,
                  "repeats": -1},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="Fulfillment watchdog").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fulfillment", "0004_fallout_permissions"),
        ("orders", "0001_orders"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
