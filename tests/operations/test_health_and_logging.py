import datetime as dt
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from operations.models import WorkerHeartbeat
from tests.factories import UserFactory
from tests.workers import celery_worker, wait_for


@pytest.mark.django_db
def test_health_is_503_when_no_worker_has_run_a_task(client):
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_health_is_503_when_the_last_heartbeat_is_stale(client):
    WorkerHeartbeat.objects.create(hostname="w1", seen_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get("/health/").status_code == 503


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_health_is_200_once_a_real_worker_has_run_the_heartbeat(client):
    from operations.tasks import heartbeat

    with celery_worker():
        heartbeat.delay()
        wait_for(WorkerHeartbeat.objects.exists, timeout=60)
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["redis"]["configured"] == bool(settings.REDIS_URL)


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_keeps_a_good_incoming_one(client):
    fresh = client.get("/")
    assert len(fresh["X-Request-ID"]) == 32
    traced = client.get("/", HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert traced["X-Request-ID"] == "proxy-1234abcd"
    forged = client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert forged["X-Request-ID"] != "<script>"


@pytest.mark.django_db
def test_sign_in_is_refused_for_a_while_after_five_failures(client):
    cache.clear()
    UserFactory(username="winkelier")
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "winkelier", "password": "nope"})
        assert response.status_code == 200
    locked = client.post("/accounts/login/",
                         {"username": "winkelier", "password": "secret-pass-123"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    cache.clear()


@pytest.mark.django_db
def test_the_right_password_signs_in(client):
    cache.clear()
    UserFactory(username="bakker")
    response = client.post("/accounts/login/", {"username": "bakker",
                                                "password": "secret-pass-123"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_production_settings_pass_the_deployment_checks():
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "venster.example.nl"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level",
                             "WARNING"], cwd=settings.BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
