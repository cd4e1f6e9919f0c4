"""Create and revoke an organisation's API keys (admin, portal and command line)."""

from .models import OrganisationAPIKey


def api_key_create(*, organisation, name: str) -> tuple[OrganisationAPIKey, str]:
    """A new key; the secret is returned once and stored only as a hash."""
    return OrganisationAPIKey.objects.create_key(name=name, organisation=organisation)


def api_key_revoke(*, organisation, key_id: str) -> bool:
    """Revoke one of this organisation's keys; False when it has no such key."""
    changed = OrganisationAPIKey.objects.filter(
        pk=key_id, organisation=organisation, revoked=False
    ).update(revoked=True)
    return changed == 1
