"""Create and revoke an organisation's API keys (admin, portal and command line)."""

from .authentication import forget_keys
from .models import OrganisationAPIKey


def api_key_create(*, organisation, name: str) -> tuple[OrganisationAPIKey, str]:
    """A new key; the secret is returned once and stored only as a hash."""
    return OrganisationAPIKey.objects.create_key(name=name, organisation=organisation)


def api_key_revoke(*, organisation, key_id: str) -> bool:
    """Revoke one of this organisation's keys; False when it has no such key."""
    keys = list(OrganisationAPIKey.objects.filter(pk=key_id, organisation=organisation,
                                                  revoked=False))
    for key in keys:
        # save(), not update(): the revocation lands in the key's history
        key.revoked = True
        key.save(update_fields=["revoked"])
    forget_keys([key.prefix for key in keys])
    return len(keys) == 1
