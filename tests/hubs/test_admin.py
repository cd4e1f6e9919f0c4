"""The hubs admin: every page opens, and a planning run is started from it by hand."""

import datetime as dt

import pytest

from hubs.models import PlanningRun
from tests.conftest import FRIDAY

from .helpers import collectors_day
from .test_planning import run_once

pytestmark = pytest.mark.django_db
SATURDAY = FRIDAY + dt.timedelta(days=1)
PAGES = ["hub", "dockreservation", "storagereservation", "lastmilechain", "collectorvehicle",
         "disposalsite", "planningrun", "plannedroute", "pickuprequest"]


def test_every_hubs_admin_page_opens(frozen_now, admin_client):
    cv, _bays, _pickups = collectors_day(SATURDAY)
    run = run_once(cv.organisation)
    for page in PAGES:
        assert admin_client.get(f"/admin/hubs/{page}/").status_code == 200, page
    assert admin_client.get(f"/admin/hubs/planningrun/{run.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/hubs/hub/{cv.depot_id}/change/").status_code == 200
    route = run.routes.get()
    assert admin_client.get(f"/admin/hubs/plannedroute/{route.pk}/change/").status_code == 200


def test_adding_a_planning_run_in_the_admin_queues_it(frozen_now, admin_client):
    cv, _bays, _pickups = collectors_day(SATURDAY)
    response = admin_client.post("/admin/hubs/planningrun/add/", {
        "collector": cv.organisation.pk, "day": SATURDAY.isoformat(), "time_limit_seconds": 10})
    assert response.status_code == 302, response.content.decode()[:2000]
    run = PlanningRun.objects.get()
    assert (run.status, run.trigger, run.time_limit_seconds) == (
        PlanningRun.Status.QUEUED, PlanningRun.Trigger.MANUAL, 10)


@pytest.mark.parametrize("kind", ["shop", "municipality"])
def test_only_a_waste_collector_can_be_planned(frozen_now, admin_client, kind):
    from hubs.errors import NotACollector
    from hubs.services import planning
    from tests.factories import OrganisationFactory

    cv, _bays, _pickups = collectors_day(SATURDAY)
    other = OrganisationFactory(kind=kind)
    form = admin_client.get("/admin/hubs/planningrun/add/").content.decode()
    assert f'value="{cv.organisation.pk}"' in form and f'value="{other.pk}"' not in form
    response = admin_client.post("/admin/hubs/planningrun/add/", {
        "collector": other.pk, "day": SATURDAY.isoformat(), "time_limit_seconds": 10})
    assert response.status_code == 200  # the form refuses the choice
    with pytest.raises(NotACollector):
        planning.planning_run_start(collector=other, day=SATURDAY)
    assert not PlanningRun.objects.exists()


def test_the_planning_run_form_is_labelled_in_dutch(frozen_now, admin_client):
    admin_client.cookies["django_language"] = "nl"
    form = admin_client.get("/admin/hubs/planningrun/add/").content.decode()
    assert "Inzamelaar" in form and "Collector" not in form
