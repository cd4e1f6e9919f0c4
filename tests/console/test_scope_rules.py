from types import SimpleNamespace

import pytest
from django.urls import reverse

from console.scoping import municipality_lookups


def stub_model(*field_names):
    fields = [SimpleNamespace(name=name) for name in field_names]
    meta = SimpleNamespace(label_lower="hubs.hub", get_fields=lambda: fields)
    return SimpleNamespace(_meta=meta)


def test_a_shared_model_is_scoped_through_every_municipality_sharing_it():
    assert municipality_lookups(stub_model("name", "municipalities")) == ["municipalities"]


def test_windows_and_closures_reach_their_municipality_through_zone_or_bay():
    assert municipality_lookups(stub_model("zone", "bay", "weekday")) == [
        "zone__municipality", "bay__zone__municipality"]


def test_a_model_without_a_way_to_a_municipality_is_not_scoped():
    assert municipality_lookups(stub_model("name")) is None


@pytest.mark.django_db
def test_a_gouda_admin_sees_its_own_organisation_and_those_booking_in_gouda(
    client, leiden, gouda
):
    client.force_login(gouda.admin)
    shown = set(client.get(reverse("admin:organisations_organisation_changelist"))
                .context["cl"].queryset)
    own = gouda.admin.membership.organisation
    assert {own, gouda.booking.organisation} == shown
    memberships = client.get(reverse("admin:organisations_membership_changelist"))
    assert [m.user for m in memberships.context["cl"].queryset] == [gouda.admin]


@pytest.mark.django_db
def test_a_gouda_admin_can_place_people_only_in_gouda_organisations(client, leiden, gouda):
    client.force_login(gouda.admin)
    form = client.get(reverse("admin:organisations_membership_add")).context["adminform"].form
    assert list(form.fields["organisation"].queryset) == [gouda.admin.membership.organisation]
