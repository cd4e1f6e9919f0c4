"""Every API call acts for exactly one organisation, found here."""

from rest_framework import permissions

from organisations.models import Organisation
from organisations.selectors import organisation_of

from .models import OrganisationAPIKey


def request_organisation(request) -> Organisation | None:
    """The organisation behind an API key, or the signed-in person's organisation."""
    cached = getattr(request, "_venster_organisation", False)
    if cached is not False:
        return cached
    if isinstance(request.auth, OrganisationAPIKey):
        organisation = request.auth.organisation
    else:
        organisation = organisation_of(request.user)
    request._venster_organisation = organisation
    return organisation


class HasOrganisation(permissions.BasePermission):
    """Allowed for callers that act for an organisation (API key or member's session)."""

    message = "Authenticate with an organisation's API key or as a member of one."

    def has_permission(self, request, view):
        return request_organisation(request) is not None
