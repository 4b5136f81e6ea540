"""The watchdog runs every five minutes (R22). (This migration also let the fulfillment roles
open the order page of their work; role permissions are now set by telcrm.roles.sync_roles.)"""

from django.db import migrations

def schedule(apps, schema_editor):
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
        ("fulfillment", "0003_fallout_and_adapter_ledger"),
        ("orders", "0001_orders"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
