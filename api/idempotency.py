"""Idempotency-Key on POST: a retried request answers with the first response, acting once.

Every POST of the API goes through idempotent(): api.viewsets.VensterAPIMixin wraps the
view's POST handler, so a new create or action cannot leave the key out.

How concurrent retries are kept to one action (the capacity pattern of
bookings/locking.py applied to the key):

1. the first request inserts the (organisation, key) row; the unique
   constraint makes every other insert fail, so exactly one row exists;
2. each request then locks that row (SELECT ... FOR UPDATE on PostgreSQL;
   SQLite's IMMEDIATE transactions serialise writers) and, in the same
   transaction, either replays the stored response or runs the operation and
   stores its response before committing;
3. a request that waited sees the stored response once the first commits.

Failed operations (an exception, such as a full bay) store nothing: their
transaction rolls back, and a retry is tried afresh. Keys live 24 hours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from places import localtime

from .exceptions import IdempotencyKeyReused
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
LIFETIME = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


def request_hash(request) -> str:
    """The same method, path and parsed body give the same hash, whatever the key order."""
    body = json.dumps(request.data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def header_key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise exceptions.ValidationError(
            {HEADER: [_("Use 1 to 255 printable ASCII characters.")]}, code="invalid"
        )
    return key


def idempotent(request, organisation, operation) -> Response:
    """Run operation() once per Idempotency-Key, or replay the response it gave."""
    key = header_key(request)
    if key is None:
        return operation()
    if organisation is None:
        # Keys are kept per organisation; a staff member's own session has none.
        raise exceptions.ValidationError(
            {HEADER: [_("Only a caller acting for an organisation can use this header.")]},
            code="no_organisation",
        )
    digest = request_hash(request)
    row_id = _claim(organisation, key, digest, request)
    with transaction.atomic():
        row = _locked(row_id)
        now = localtime.now()
        if row.expires_at <= now:
            _restart(row, digest, now)
        if row.request_hash != digest:
            raise IdempotencyKeyReused()
        if row.status_code is not None:
            return _replay(row)
        response = operation()
        if response.status_code < 500:
            _store(row, response)
        return response


def _claim(organisation, key: str, digest: str, request) -> int:
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                organisation=organisation, key=key, request_hash=digest,
                method=request.method, path=request.path[:300],
                expires_at=localtime.later(localtime.now(), LIFETIME.total_seconds() / 60),
            ).pk
    except IntegrityError:
        return IdempotencyKey.objects.only("pk").get(organisation=organisation, key=key).pk


def _locked(row_id: int) -> IdempotencyKey:
    queryset = IdempotencyKey.objects.all()
    if connection.vendor != "sqlite":
        queryset = queryset.select_for_update()
    return queryset.get(pk=row_id)


def _restart(row: IdempotencyKey, digest: str, now) -> None:
    """An expired key is a new key: forget what it did."""
    row.request_hash, row.status_code, row.response_body = digest, None, None
    row.expires_at = localtime.later(now, LIFETIME.total_seconds() / 60)
    row.save(update_fields=["request_hash", "status_code", "response_body", "expires_at"])


def _store(row: IdempotencyKey, response: Response) -> None:
    row.status_code = response.status_code
    row.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
    row.save(update_fields=["status_code", "response_body"])


def _replay(row: IdempotencyKey) -> Response:
    return Response(row.response_body, status=row.status_code,
                    headers={"Idempotent-Replayed": "true"})


def purge_expired(*, now=None) -> int:
    """Delete keys past their 24 hours; returns how many."""
    deleted, _by_model = IdempotencyKey.objects.filter(
        expires_at__lte=now or localtime.now()
    ).delete()
    return deleted
