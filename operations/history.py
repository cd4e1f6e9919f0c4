"""The audit trail every model with a history uses: django-simple-history, one setting changed.

simple_history hands out its history manager by building a new manager class, from the
queryset class, each time ``instance.history`` is read, and it reads it on every save
to write the history row. Building the class inspects every queryset method: on the
booking path that was a twentieth of a request. The class depends on nothing but the
queryset class, so it is built once.
"""

import functools

from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords


class _ReusedHistoryManager(HistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


def audit_history(**options) -> HistoricalRecords:
    """HistoricalRecords(**options), its manager class built once."""
    return HistoricalRecords(history_manager=_ReusedHistoryManager, **options)
