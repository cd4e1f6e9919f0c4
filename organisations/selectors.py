"""Who may see what: every interface scopes its data through these."""

from .models import Membership, Organisation


def organisation_of(user) -> Organisation | None:
    """The organisation a signed-in person acts for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    return membership.organisation if membership else None
