"""The audit trail every model with a history uses: django-simple-history, made cheaper.

simple_history hands out its history manager by building a new manager class, from the
queryset class, each time ``instance.history`` is read, and it reads it on every save
to write the history row. Building the class inspects every queryset method: on the
booking path that was a twentieth of a request. The class depends on nothing but the
queryset class, so it is built once.

``create_with_history`` inserts a new row and its history row in one statement on
PostgreSQL. simple_history writes the history row from post_save, as a second ORM insert:
on the booking path the two inserts, each compiled by the ORM and each a round trip,
were about a quarter of the request's CPU.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, signals
from django.utils import timezone
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

# The fields simple_history adds to every history model, filled per insert (in this order,
# by _history_values).
HISTORY_FIELDS = ("history_date", "history_type", "history_user", "history_change_reason")

_records_by_model: dict[type[Model], AuditHistory] = {}


class _ReusedHistoryManager(HistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class AuditHistory(HistoricalRecords):
    """HistoricalRecords that remembers which model it records, for create_with_history."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            _records_by_model[sender] = self

    def get_change_reason_for_object(self, instance, history_type, using):
        """The reason given, else the API key that made the change: an API call has no
        user, and the key is who acted."""
        return super().get_change_reason_for_object(instance, history_type, using) or (
            _acting_api_key(self.context))


def _acting_api_key(context) -> str | None:
    """'API key <prefix>' while an API call authenticated by a key is answered, else None."""
    request = getattr(context, "request", None)
    prefix = getattr(getattr(request, "auth", None), "prefix", None)
    return f"API key {prefix}" if prefix else None


def audit_history(**options) -> AuditHistory:
    """HistoricalRecords(**options), its manager class built once."""
    return AuditHistory(history_manager=_ReusedHistoryManager, **options)


def create_with_history(model: type[Model], **fields) -> Model:
    """``model.objects.create(**fields)``, with the history row ('+') in the same statement.

    The saved instance, its pk set, as create() returns it; pre_save and post_save are
    sent as save() sends them. Where one statement cannot do what simple_history would
    (another database than PostgreSQL, a receiver of simple_history's own signals, a
    history model with columns of its own), it is create() itself.
    """
    instance = model(**fields)
    connection = connections[router.db_for_write(model, instance=instance)]
    statement = _one_statement_insert(model, connection.alias)
    if (statement is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
            or _history_signals_heard(statement.history_model)):
        instance.save(force_insert=True)
        return instance

    signals.pre_save.send(sender=model, instance=instance, raw=False, using=connection.alias,
                          update_fields=None)
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection)
              for field in statement.fields]
    params += _history_values(statement.records, instance)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    # the history row is written: simple_history's post_save receiver must not add another
    instance.skip_history_when_saving = True
    try:
        signals.post_save.send(sender=model, instance=instance, created=True, update_fields=None,
                               raw=False, using=connection.alias)
    finally:
        del instance.skip_history_when_saving
    return instance


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: list  # the model's fields, in the order of the statement's first parameters
    history_model: type[Model]
    records: AuditHistory


@functools.cache
def _one_statement_insert(model: type[Model], alias: str) -> _Statement | None:
    """INSERT the row, then INSERT its history row from what the first one RETURNed.

    None where that cannot stand for create(): not PostgreSQL (only it can insert from
    a data-modifying WITH), a model without an audit history, or a history model with
    columns this does not know how to fill.
    """
    records = _records_by_model.get(model)
    connection = connections[alias]
    if connection.vendor != "postgresql" or records is None:
        return None
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.local_concrete_fields
              if f is not model._meta.auto_field and not getattr(f, "generated", False)]
    tracked = {f.attname: f.column for f in records.fields_included(model)}
    copied = []
    for history_field in history_model._meta.concrete_fields:
        if history_field.attname in tracked:
            copied.append((history_field.column, tracked[history_field.attname]))
        elif history_field is not history_model._meta.pk and (
                history_field.name not in HISTORY_FIELDS):
            return None
    pk_copy = next(column for column, source in copied if source == model._meta.pk.column)
    history_columns = [quote(column) for column, _source in copied]
    history_columns += [quote(history_model._meta.get_field(name).column)
                        for name in HISTORY_FIELDS]
    sql = (
        f"WITH inserted AS (INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING *) "
        f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(history_columns)}) "
        f"SELECT {', '.join(quote(source) for _column, source in copied)}, %s, %s, %s, %s "
        f"FROM inserted RETURNING {quote(pk_copy)}"
    )
    return _Statement(sql, fields, history_model, records)


def _history_signals_heard(history_model) -> bool:
    """Whether anything listens for simple_history's signals about this history model:
    one statement writes no history instance to send them with."""
    return (pre_create_historical_record.has_listeners(history_model)
            or post_create_historical_record.has_listeners(history_model))


def _history_values(records: AuditHistory, instance) -> list:
    """The values of HISTORY_FIELDS, as simple_history's create_historical_record fills
    them."""
    user = records.get_history_user(instance)
    return [
        getattr(instance, "_history_date", None) or timezone.now(),
        "+",
        user.pk if user is not None else None,
        records.get_change_reason_for_object(instance, "+", None),
    ]
