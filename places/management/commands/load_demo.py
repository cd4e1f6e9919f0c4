from django.core.management.base import BaseCommand

from places import demo, localtime


class Command(BaseCommand):
    help = "Load the Leiden demo (bays, windows, closures, organisations, a day of bookings)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", action="store_true",
            help="Also plan the waste collectors' demo day now (a few seconds of solving), "
                 "so their run sheets show routes.",
        )

    def handle(self, *args, **options):
        demo.load(log=self.stdout.write)
        if options["plan"]:
            from hubs import demo as hubs_demo

            hubs_demo.plan(today=localtime.now().date(), log=self.stdout.write)
