"""Allocate a day: from an instance file (no database), or a zone's collected requests."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "allocate INSTANCE.json --output SOLUTION.json [--time-limit S]: solve a file "
        "in the exchange format without the database. "
        "allocate --zone SLUG --date YYYY-MM-DD [--time-limit S]: allocate that day's "
        "collected requests now, in this process, and print the run's figures."
    )
    # File mode must work on a machine with no migrated database.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("instance", nargs="?", help="instance file (exchange format)")
        parser.add_argument("--output", help="where to write the solution (file mode)")
        parser.add_argument("--time-limit", type=float, default=None, help="solver seconds")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--zone", help="zone slug (database mode)")
        parser.add_argument("--date", help="day to allocate, YYYY-MM-DD (database mode)")

    def handle(self, *args, **options):
        if options["instance"] and (options["zone"] or options["date"]):
            raise CommandError("Give either an instance file or --zone and --date, not both.")
        if options["instance"]:
            return self._file_mode(options)
        if options["zone"] and options["date"]:
            return self._database_mode(options)
        raise CommandError("Give an instance file with --output, or --zone and --date.")

    def _file_mode(self, options):
        from solvers import allocation as solver

        if not options["output"]:
            raise CommandError("--output is required with an instance file.")
        try:
            with open(options["instance"]) as f:
                instance = json.load(f)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {options['instance']}: {exc}") from exc
        solution = solver.solve(instance, time_limit=options["time_limit"] or 30.0,
                                workers=options["workers"], seed=options["seed"])
        with open(options["output"], "w") as f:
            json.dump(solution, f)
            f.write("\n")
        report = solver.check(instance, solution)
        baseline = solver.check(instance, solver.fcfs(instance))
        figures = {
            "requests": len(instance["requests"]), "served": report.served,
            "feasible": report.feasible, "objective": solution["objective"],
            "bound": solution["bound"], "status": solution["status"],
            "fcfs_objective": baseline.objective, "seconds": solution["seconds"],
        }
        self.stdout.write(json.dumps(figures))
        if not report.feasible:
            raise CommandError("The solution is infeasible: " + "; ".join(report.errors[:5]))

    def _database_mode(self, options):
        from bookings import allocation
        from bookings.models import AllocationRun
        from places.models import Zone

        zone = Zone.objects.filter(slug=options["zone"]).first()
        if zone is None:
            raise CommandError(f"No zone with slug {options['zone']!r}.")
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD.") from exc
        try:
            run = allocation.allocation_run_start(
                zone=zone, day=day, trigger=AllocationRun.Trigger.COMMAND, enqueue=False)
        except allocation.AllocationError as exc:
            raise CommandError(exc.message) from exc
        allocation.allocation_run_execute(run_id=run.pk, task_id=f"command-{run.pk}",
                                          time_limit=options["time_limit"],
                                          workers=options["workers"])
        run.refresh_from_db()
        self.stdout.write(json.dumps(allocation.allocation_figures(run)))
        if run.status != AllocationRun.Status.APPLIED:
            raise CommandError(run.error or "The run was not applied.")
