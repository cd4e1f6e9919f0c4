"""API keys belong to an organisation: whoever holds one acts for it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager
from simple_history.signals import pre_create_historical_record

from operations.history import audit_history
from organisations.models import Organisation


class OrganisationAPIKeyManager(APIKeyManager):
    def get_usable_keys(self):
        # Every authenticated call needs the organisation: fetch it with the key.
        return super().get_usable_keys().select_related("organisation")


class OrganisationAPIKey(AbstractAPIKey):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="api_keys")

    objects = OrganisationAPIKeyManager()
    # The hash of the secret stays out of the audit trail; so does the primary key, which
    # carries the hash after the prefix: each history row names its key by the prefix alone
    # (see _history_names_key_by_prefix).
    history = audit_history(excluded_fields=["hashed_key"])

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def audit_trail(self):
        """This key's history rows, oldest first."""
        return OrganisationAPIKey.history.filter(prefix=self.prefix).order_by("history_date")


def _history_names_key_by_prefix(sender, history_instance, **kwargs) -> None:
    history_instance.id = history_instance.prefix


pre_create_historical_record.connect(
    _history_names_key_by_prefix, sender=OrganisationAPIKey.history.model,
    dispatch_uid="api_key_history_without_hash",
)


class IdempotencyKey(models.Model):
    """A POST an organisation may safely retry: its key, what it asked and what it got.

    The unique constraint makes the first of many concurrent requests with one
    key the owner of the row; the others wait on its row lock and then replay
    the stored response instead of acting again.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_key_once"),
        ]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_expiry")]

    def __str__(self):
        return f"{self.organisation_id}:{self.key}"
