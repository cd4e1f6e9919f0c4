"""Create and revoke an organisation's API keys (admin, portal and command line)."""

from .authentication import forget_keys
from .models import OrganisationAPIKey


def api_key_create(*, organisation, name: str) -> tuple[OrganisationAPIKey, str]:
    """A new key; the secret is returned once and stored only as a hash."""
    return OrganisationAPIKey.objects.create_key(name=name, organisation=organisation)


def api_key_revoke(*, organisation, key_id: str) -> bool:
    """Revoke one of this organisation's keys; False when it has no such key."""
    keys = OrganisationAPIKey.objects.filter(pk=key_id, organisation=organisation, revoked=False)
    prefixes = list(keys.values_list("prefix", flat=True))
    changed = keys.update(revoked=True)
    forget_keys(prefixes)
    return changed == 1
