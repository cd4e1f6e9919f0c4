"""Authenticate API calls by an organisation's key: `Authorization: Api-Key <key>`."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import OrganisationAPIKey

KEYWORD = "Api-Key"


class OrganisationAPIKeyAuthentication(authentication.BaseAuthentication):
    """The key (request.auth) names the organisation; there is no user behind it."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _sep, key = header.partition(" ")
        if keyword != KEYWORD:
            return None
        key = key.strip()
        if not key or not key.isascii() or not key.isprintable():
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        try:
            api_key = OrganisationAPIKey.objects.get_from_key(key)
        except OrganisationAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        if api_key.has_expired or api_key.revoked:
            raise exceptions.AuthenticationFailed(_("This API key has expired or was revoked."))
        return AnonymousUser(), api_key

    def authenticate_header(self, request):
        return KEYWORD
