"""A capacitated facility location instance: candidate sites with a capacity and a
yearly fixed cost, demand points with an amount, and the cost of serving the whole of a
demand point from each site. Demand may be split across sites.

Read from the OR-Library text format (Beasley's capacitated warehouse location files,
numbers separated by whitespace), or built from plain lists by the hubs app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class SitingInstance:
    name: str
    capacity: np.ndarray  # per site
    fixed_cost: np.ndarray  # per site
    demand: np.ndarray  # per demand point
    cost: np.ndarray  # sites x points: cost of serving ALL of a point from a site

    @property
    def sites(self) -> int:
        return len(self.capacity)

    @property
    def points(self) -> int:
        return len(self.demand)

    @classmethod
    def from_lists(cls, name: str, capacity: Sequence[float], fixed_cost: Sequence[float],
                   demand: Sequence[float], cost: Sequence[Sequence[float]]) -> SitingInstance:
        inst = cls(name, np.asarray(capacity, dtype=float), np.asarray(fixed_cost, dtype=float),
                   np.asarray(demand, dtype=float), np.asarray(cost, dtype=float))
        inst.validate()
        return inst

    def validate(self) -> None:
        m, n = self.sites, self.points
        if self.fixed_cost.shape != (m,) or self.cost.shape != (m, n):
            raise ValueError(f"expected {m} fixed costs and a {m} x {n} cost table")
        for label, values in (("capacity", self.capacity), ("fixed cost", self.fixed_cost),
                              ("demand", self.demand), ("cost", self.cost)):
            if not np.all(np.isfinite(values)) or np.any(values < 0):
                raise ValueError(f"every {label} must be a finite number of at least 0")
        if self.demand.sum() > self.capacity.sum() + 1e-9:
            raise ValueError("the sites together cannot hold the whole demand")


def read_orlib(path: str | Path, *, capacity: float | None = None,
               name: str | None = None) -> SitingInstance:
    """Parse an OR-Library capacitated warehouse location file.

    ``capacity`` fills in the word ``capacity`` that capa/capb/capc carry instead of a
    number (every site then gets it), and overrides nothing in the other files.
    """
    tokens = Path(path).read_text().split()
    return parse_orlib(tokens, capacity=capacity, name=name or Path(path).stem)


def parse_orlib(tokens: list[str], *, capacity: float | None, name: str) -> SitingInstance:
    stream = iter(tokens)

    def number(word: str | None = None) -> float:
        token = next(stream)
        if token == "capacity":
            if capacity is None:
                raise ValueError(f"{name}: the file leaves the capacity to be given")
            return float(capacity)
        return float(token)

    m, n = int(number()), int(number())
    caps, fixed = np.empty(m), np.empty(m)
    for i in range(m):
        caps[i], fixed[i] = number(), number()
    demand, cost = np.empty(n), np.empty((m, n))
    for j in range(n):
        demand[j] = number()
        for i in range(m):
            cost[i, j] = number()
    inst = SitingInstance(name, caps, fixed, demand, cost)
    inst.validate()
    return inst


@dataclass
class SitingSolution:
    """Open sites and the shares of each point's demand they serve."""

    open_sites: list[int]
    shares: list[tuple[int, int, float]]  # (point, site, share of the point's demand)
    objective: float
    bound: float
    status: str  # "optimal" (gap within tolerance) or "feasible"
    seconds: float
    log: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        return (self.objective - self.bound) / max(abs(self.objective), 1e-9)


def objective(inst: SitingInstance, open_sites: Sequence[int],
              shares: Sequence[tuple[int, int, float]]) -> float:
    """Fixed costs of the open sites plus the share-weighted serving costs."""
    fixed = float(inst.fixed_cost[list(open_sites)].sum()) if len(open_sites) else 0.0
    return fixed + sum(float(inst.cost[i, j]) * x for j, i, x in shares)
