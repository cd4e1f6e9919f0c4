from django.core.management.base import BaseCommand

from places import demo


class Command(BaseCommand):
    help = "Load the Leiden demo (bays, windows, closures, organisations, a day of bookings)."

    def handle(self, *args, **options):
        demo.load(log=self.stdout.write)
