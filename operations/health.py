"""/health/: is the database answering, is Redis answering, is a worker running tasks?"""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import WorkerHeartbeat

WORKER_FRESH = dt.timedelta(seconds=90)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - health reports any failure
        return {"ok": False, "error": exc.__class__.__name__}


def _redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1,
                             socket_timeout=1).ping()
        return {"ok": True, "configured": True}
    except redis.RedisError as exc:
        return {"ok": False, "configured": True, "error": exc.__class__.__name__}


def _worker() -> dict:
    try:
        latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    if latest is None:
        return {"ok": False, "last_seen": None}
    age = timezone.now() - latest.seen_at
    return {"ok": age <= WORKER_FRESH, "last_seen": latest.seen_at.isoformat(),
            "age_seconds": int(age.total_seconds())}


@never_cache
def health(request):
    checks = {"database": _database(), "redis": _redis(), "worker": _worker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks},
                        status=200 if healthy else 503)
