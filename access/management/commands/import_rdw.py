"""python manage.py import_rdw VEHICLES.csv FUELS.csv"""

from django.core.management.base import BaseCommand

from access import rdw


class Command(BaseCommand):
    help = (
        "Load the RDW open data files 'Gekentekende voertuigen' and "
        "'Gekentekende_voertuigen_brandstof' (CSV). Streams both files and upserts in "
        "batches, so the full national files load in bounded memory; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("vehicles", help="CSV of Gekentekende voertuigen")
        parser.add_argument("fuels", help="CSV of Gekentekende_voertuigen_brandstof")
        parser.add_argument("--batch-size", type=int, default=rdw.BATCH_SIZE)

    def handle(self, *args, vehicles, fuels, batch_size, **options):
        every = max(batch_size * 50, 1)

        def report(kind):
            def progress(count):
                if count % every < batch_size:
                    self.stdout.write(f"{kind}: {count}")
            return progress

        with rdw.open_csv(vehicles) as stream:
            result = rdw.import_vehicles(stream, batch_size=batch_size,
                                         progress=report("vehicles"))
        self.stdout.write(f"Vehicles: {result.vehicles} loaded, {result.skipped} rows skipped.")
        with rdw.open_csv(fuels) as stream:
            result = rdw.import_fuels(stream, batch_size=batch_size, progress=report("fuels"))
        self.stdout.write(f"Fuels: {result.fuels} loaded, {result.skipped} rows skipped.")
