"""What the admin pages of every kind of solver run share."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: the phases a run reports in its progress, and what the admin calls them
PHASES = {
    "building": gettext_lazy("building the problem"),
    "fcfs": gettext_lazy("first come, first served plan"),
    "greedy": gettext_lazy("first plan"),
    "cp-sat": gettext_lazy("optimising"),
    "lns": gettext_lazy("improving the plan"),
    "applied": gettext_lazy("plan applied"),
    "done": gettext_lazy("finished"),
}
#: OR-Tools' status names, as a person reads them
SOLVER_STATUSES = {
    "OPTIMAL": gettext_lazy("best possible plan"),
    "FEASIBLE": gettext_lazy("good plan, not proven best"),
    "INFEASIBLE": gettext_lazy("no plan fits"),
    "UNKNOWN": gettext_lazy("no plan found in time"),
    "MODEL_INVALID": gettext_lazy("the problem could not be built"),
}


def solver_status_label(run) -> str:
    status = run.solver_status or ""
    return str(SOLVER_STATUSES.get(status.upper(), status)) or "–"


def solver_progress(run) -> str:
    """What the solver reported last, in words: phase, objective so far, seconds, attempt."""
    progress = run.progress or {}
    if not progress.get("phase"):
        return "–"
    phase = progress["phase"]
    parts = [str(PHASES.get(phase, phase))]
    if progress.get("objective") is not None:
        parts.append(_("objective %(value)s") % {"value": progress["objective"]})
    if progress.get("elapsed_s") is not None:
        parts.append(f"{progress['elapsed_s']} s")
    if progress.get("attempt"):
        parts.append(_("attempt %(n)s") % {"n": progress["attempt"]})
    return ", ".join(parts)
