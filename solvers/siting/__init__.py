"""Hub siting core (no Django): capacitated facility location with splittable demand.

Public API::

    from solvers.siting import SitingInstance, SitingOptions, solve, read_orlib
"""

from .instance import SitingInstance, SitingSolution, objective, read_orlib
from .solver import SitingOptions, solve

__all__ = ["SitingInstance", "SitingOptions", "SitingSolution", "objective", "read_orlib",
           "solve"]
