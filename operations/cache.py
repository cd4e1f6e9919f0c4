"""Django's Redis cache backend, with one Redis client per connection pool.

Django's backend builds a new redis.Redis object for every cache call; building
one costs more CPU than the call itself (about 0.3 ms against 0.1 ms here), and an
API request makes several calls. A redis.Redis object is safe to share between
threads, and it takes its connections from the pool either way.
"""

import logging

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction

logger = logging.getLogger(__name__)


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient


def count_in_window(key: str, seconds: int) -> int:
    """Add one to a counter that lives for ``seconds`` and return its new value.

    Atomic under concurrency: on Redis one INCR (with its expiry, one round trip);
    on Django's other backends add() then incr().
    """
    client = _shared_redis_client()
    if client is None:
        cache.add(key, 0, seconds)
        return cache.incr(key)
    full_key = cache.make_and_validate_key(key)
    pipeline = client.pipeline(transaction=False)
    pipeline.incr(full_key)
    pipeline.expire(full_key, seconds)
    count, _expiry_set = pipeline.execute()
    return count


def _shared_redis_client():
    client = getattr(cache, "_cache", None)  # the backend's client (LocMemCache: its dict)
    if isinstance(client, SharedClientRedisCacheClient):
        return client.get_client(write=True)
    return None


# The cache only ever speeds things up: when it cannot be reached, a read is a miss
# (the caller reads the database), a write is skipped, and either is logged.

def get_or_none(key: str):
    return get_many([key]).get(key)


def get_many(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache unreachable", exc_info=True)
        return {}


def set_many(entries: dict, seconds: int) -> None:
    try:
        cache.set_many(entries, seconds)
    except Exception:
        logger.warning("cache unreachable", exc_info=True)


def forget(keys: list[str]) -> None:
    """Delete entries now, and again when the current transaction commits: a read in
    between may have cached what the change replaces."""

    def delete():
        try:
            cache.delete_many(keys)
        except Exception:
            logger.warning("cache unreachable; entries stay until they expire", exc_info=True)

    delete()
    transaction.on_commit(delete)
