"""Authenticate API calls by an organisation's key: `Authorization: Api-Key <key>`.

A planning system calls many times a minute with the same key, so the key's row
(with its organisation) is cached by its public prefix; the secret is still checked
against the stored hash on every call. Saving, revoking or deleting a key, or saving
its organisation, forgets the cached row; entries also expire, which bounds how
long a change can go unseen if the cache was unreachable at that moment.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from operations import cache

from .models import OrganisationAPIKey

KEYWORD = "Api-Key"
CACHE_SECONDS = 300


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
        api_key = usable_key(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if api_key.has_expired or api_key.revoked:
            raise exceptions.AuthenticationFailed(_("This API key has expired or was revoked."))
        return AnonymousUser(), api_key

    def authenticate_header(self, request):
        return KEYWORD


def usable_key(key: str) -> OrganisationAPIKey | None:
    """The unrevoked key row (with its organisation) whose secret matches, else None."""
    prefix = key.partition(".")[0]
    api_key = cache.get_or_none(_cache_key(prefix))
    if api_key is None:
        api_key = OrganisationAPIKey.objects.get_usable_keys().filter(prefix=prefix).first()
        if api_key is None:
            return None  # misses are not cached: guessed keys must not fill the cache
        cache.set_many({_cache_key(prefix): api_key}, CACHE_SECONDS)
    return api_key if api_key.is_valid(key) else None


def forget_keys(prefixes) -> None:
    cache.forget([_cache_key(prefix) for prefix in prefixes])


def key_changed(sender, instance, **kwargs) -> None:
    forget_keys([instance.prefix])


def organisation_changed(sender, instance, **kwargs) -> None:
    forget_keys(OrganisationAPIKey.objects.filter(organisation_id=instance.pk)
                .values_list("prefix", flat=True))


def _cache_key(prefix: str) -> str:
    return f"api-key:{prefix}"
