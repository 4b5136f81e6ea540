"""``manage.py expire_due``: run the daily expiry now (quotes past their valid-until date,
agreements past their "valid to" date, contracts past their term). Safe to run twice."""

from django.core.management.base import BaseCommand

from contracts.tasks import expire_due


class Command(BaseCommand):
    help = "Expire the quotes, agreements and contracts whose validity or term has ended."

    def handle(self, *args, **options) -> None:
        self.stdout.write(expire_due().capitalize() + ".")
