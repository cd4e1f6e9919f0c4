"""Benchmark the routing core on one Solomon instance: `solve_vrptw FILE --time-limit S`."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from solvers.routing import solomon

OUTPUT_KEYS = ("instance", "vehicles", "distance", "routes", "seconds")


class Command(BaseCommand):
    help = ("Solve a Solomon-format VRPTW instance (Euclidean, unrounded; vehicles first, then "
            "distance) and print one JSON object: instance, vehicles, distance, routes, seconds.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="a Solomon instance, e.g. C101.txt")
        parser.add_argument("--time-limit", type=float, default=30.0, help="seconds (wall clock)")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        try:
            instance = solomon.load_solomon(options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        result = solomon.solve_solomon(instance, time_limit=options["time_limit"],
                                       seed=options["seed"])
        self.stdout.write(json.dumps({key: result[key] for key in OUTPUT_KEYS}))
        if not result.get("feasible", True):
            # The JSON stays one object on stdout; the checker's findings go to stderr.
            sys.stderr.write("infeasible: " + "; ".join(result.get("errors", [])) + "\n")
            raise SystemExit(1)
