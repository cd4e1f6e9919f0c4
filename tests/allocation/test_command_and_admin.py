"""The allocate command (file and database mode) and the admin's start action."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from bookings.allocation import AlreadyAllocated
from bookings.models import AllocationRun, Booking
from solvers import allocation as solver
from tests.conftest import FRIDAY
from tests.solvers.allocation_helpers import bay, instance, request

from .helpers import a_request, a_zone_with_bays

SATURDAY = FRIDAY + dt.timedelta(days=1)


def test_the_command_solves_a_file_without_touching_the_database(tmp_path, capsys):
    # No django_db mark: any query would fail this test.
    day = instance([bay("B1"), bay("B2")],
                   [request(f"R{i}", ["B1", "B2"], start=420 + 10 * i, slack=30, seq=i)
                    for i in range(6)])
    source, target = tmp_path / "day.json", tmp_path / "plan.json"
    source.write_text(json.dumps(day))
    call_command("allocate", str(source), "--output", str(target), "--time-limit", "2")
    solution = json.loads(target.read_text())
    assert solver.check(day, solution).feasible
    figures = json.loads(capsys.readouterr().out)
    assert figures["served"] == 6 and figures["objective"] >= figures["fcfs_objective"]


def test_the_command_needs_an_output_for_a_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("allocate", str(tmp_path / "day.json"))


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_now")
def test_the_command_allocates_a_zones_day_from_the_database(capsys):
    zone, bays = a_zone_with_bays(1)
    for _ in range(3):
        a_request(zone, bays, SATURDAY)
    call_command("allocate", "--zone", zone.slug, "--date", SATURDAY.isoformat(),
                 "--time-limit", "1")
    figures = json.loads(capsys.readouterr().out)
    assert figures["status"] == "applied" and figures["served"] == 3
    assert AllocationRun.objects.get().trigger == AllocationRun.Trigger.COMMAND
    assert Booking.objects.count() == 3
    with pytest.raises(CommandError, match=str(AlreadyAllocated.default_message)):
        call_command("allocate", "--zone", zone.slug, "--date", SATURDAY.isoformat())


@pytest.mark.django_db
def test_an_admin_starts_a_run_for_tomorrow_from_the_zone_list(admin_client):
    zone, _ = a_zone_with_bays(1)
    response = admin_client.post(reverse("admin:places_zone_changelist"),
                                 {"action": "start_allocation_run", "_selected_action": [zone.pk]})
    assert response.status_code == 302
    run = AllocationRun.objects.get()
    assert (run.zone, run.trigger, run.status) == (zone, "manual", "queued")
    assert run.started_by is not None


@pytest.mark.django_db
def test_the_run_list_shows_progress(admin_client):
    zone, _ = a_zone_with_bays(1)
    AllocationRun.objects.create(zone=zone, day=SATURDAY, trigger="manual", status="running",
                                 progress={"phase": "lns", "objective": 12345, "elapsed_s": 3.0,
                                           "attempt": 1})
    admin_client.cookies["django_language"] = "en"
    response = admin_client.get(reverse("admin:bookings_allocationrun_changelist"))
    assert response.status_code == 200
    assert "improving the plan, objective 12345, 3.0 s, attempt 1" in response.content.decode()


@pytest.mark.django_db
def test_a_run_page_shows_its_progress_once_in_words_and_no_run_is_typed_in(admin_client):
    zone, _ = a_zone_with_bays(1)
    run = AllocationRun.objects.create(zone=zone, day=SATURDAY, trigger="manual",
                                       status="applied", solver_status="OPTIMAL",
                                       progress={"phase": "applied", "planned": 3})
    admin_client.cookies["django_language"] = "nl"
    page = admin_client.get(reverse("admin:bookings_allocationrun_change", args=[run.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "plan toegepast" in html and "beste mogelijke plan" in html
    assert "OPTIMAL" not in html and "&quot;phase&quot;" not in html
    assert "Gestart door gebruiker" in html and "Started by" not in html
    changelist = admin_client.get(reverse("admin:bookings_allocationrun_changelist"))
    assert reverse("admin:bookings_allocationrun_add") not in changelist.content.decode()
    assert admin_client.get(reverse("admin:bookings_allocationrun_add")).status_code == 403
