"""The portal's own bookkeeping: which forms were already sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation


class FormSubmission(models.Model):
    """A one-time token of a form that books or requests something.

    Each such form carries a fresh random token. Sending it inserts this row
    in the same transaction as the booking, so a second click (or a resent
    POST) hits the unique constraint and books nothing; a refused booking rolls
    the row back, so the same form can be corrected and sent again.
    """

    token = models.CharField(_("token"), max_length=64, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")

    def __str__(self):
        return self.token
