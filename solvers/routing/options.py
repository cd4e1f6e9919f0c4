"""Search settings of the routing solver."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SolveOptions:
    """Search settings. ``time_limit`` is the wall-clock budget in seconds for the whole
    call; ``seed`` makes the choice among equal candidates reproducible."""

    time_limit: float = 10.0
    seed: int = 0
    minimise_vehicles: bool = True
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    #: share of the time budget for the first plan with the whole fleet
    first_share: float = 0.1
    #: share of the time budget after which no further vehicle removal is started
    removal_share: float = 0.8
    #: time for one local-search attempt at removing a route (where the ejection pool
    #: does not apply), as share of the budget
    attempt_share: float = 0.1
    #: lower bound on vehicles (stop removing routes when reached); computed if None
    min_vehicles: int | None = None
    #: cost per time unit of lateness in the fleet-squeeze attempts (0: drop-and-reinsert)
    squeeze_penalty: int = 0
    #: remove routes with the ejection-pool heuristic where it applies
    ejection: bool = True
    #: ejection pool: insert at the cheapest feasible place (else a random one)
    cheapest_insertion: bool = True
    #: ejection pool: random feasible moves after each ejection
    perturb_moves: int = 100
    #: longest single ejection-pool attempt, as share of the budget
    ejection_share: float = 0.5
    #: share of each route-removal attempt given to the string search after the pool
    strings_share: float = 0.5
    #: distance clean-up after each removed route, as share of the budget
    polish_share: float = 0.05
    #: number of drop/squeeze alternations in one removal attempt
    squeeze_rounds: int = 2
    #: cost per time unit of route duration in the route-removal attempts
    span_cost: int = 0
    #: first-solution strategy of a fresh start with the final fleet ("" to skip)
    fresh_first_solution: str = "LOCAL_CHEAPEST_INSERTION"
    #: share of the final phase given to that fresh start
    fresh_share: float = 0.4
    #: share of the time left after the fresh start given to the string-removal search
    #: (``sisr.py``) where its checks are exact; OR-Tools gets the rest, from its routes
    sisr_share: float = 0.7
    #: extra local-search operators that insert unserved stops while moving others
    insertion_operators: bool = True
    log: bool = False
