"""The daily expiry of quotes, agreements and contracts runs just after midnight."""

from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone

NAME = "Daily expiry"


def schedule(apps, schema_editor):
    tomorrow = timezone.localdate() + timedelta(days=1)
    next_run = timezone.make_aware(datetime.combine(tomorrow, time(0, 5)))
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME,
        defaults={"func": "contracts.tasks.expire_due", "schedule_type": "D", "repeats": -1,
                  "next_run": next_run},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0006_history_actor_of_signatures"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
