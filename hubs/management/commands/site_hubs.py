"""Solve a hub-siting instance file (OR-Library capacitated warehouse location format)
without a database, and write the plan as solution JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from solvers.siting import SitingOptions, read_orlib, solve


class Command(BaseCommand):
    help = "Choose hub sites for an instance file and write the plan as JSON."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--capacity", type=float, default=None,
                            help="capacity of every site, for files that leave it open")
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--time-limit", type=float, default=60.0)
        parser.add_argument("--name", default=None,
                            help="instance name in the output (default: the file's stem, "
                                 "with -CAPACITY when --capacity is given)")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        path: Path = options["file"]
        capacity = options["capacity"]
        name = options["name"] or (f"{path.stem}-{capacity:g}" if capacity else path.stem)
        try:
            instance = read_orlib(path, capacity=capacity, name=name)
        except (OSError, ValueError, StopIteration) as error:
            raise CommandError(f"cannot read {path}: {error or 'the file ends early'}") from error
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit must be positive")
        plan = solve(instance, SitingOptions(time_limit=options["time_limit"],
                                             seed=options["seed"]))
        if plan is None:
            raise CommandError("no plan: the sites cannot hold the demand")
        options["output"].write_text(json.dumps({
            "instance": name,
            "open": plan.open_sites,
            "assign": [[point, site, share] for point, site, share in plan.shares],
            "objective": plan.objective,
            "bound": plan.bound,
            "status": plan.status.upper(),
            "seconds": round(plan.seconds, 3),
            "solver": "venster siting (exact MIP or Lagrangian search)",
        }) + "\n")
        self.stdout.write(f"{name}: {plan.status}, value {plan.objective:.3f}, "
                          f"bound {plan.bound:.3f}, {len(plan.open_sites)} sites open, "
                          f"{plan.seconds:.1f} s")
