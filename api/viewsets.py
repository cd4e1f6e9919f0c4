"""What every Venster API view shares: the caller's organisation, throttling, clean input."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from .idempotency import idempotent
from .permissions import request_organisation
from .throttling import OrganisationKeyThrottle


class VensterAPIMixin:
    """Scope to the caller's organisation; every POST honours Idempotency-Key; refuse NUL
    bytes in the URL and query string.

    PostgreSQL cannot store or compare text with NUL bytes and answers with a
    DataError; body fields refuse them in their serializer fields.
    """

    throttle_classes = [OrganisationKeyThrottle]
    # Any segment reaches the view, so a malformed id is a 404 problem document too.
    lookup_value_regex = "[^/]+"

    @property
    def organisation(self):
        return request_organisation(self.request)

    def dispatch(self, request, *args, **kwargs):
        """Wrap the POST handler (a create or an action) in api.idempotency.idempotent, so that
        no POST of the API can leave the key out. The wrapper runs where DRF calls the handler:
        after authentication, permissions and throttling, which a retry goes through again."""
        handler = getattr(self, "post", None)
        if request.method == "POST" and handler is not None:
            def once(request, *args, **kwargs):
                return idempotent(request, self.organisation,
                                  lambda: handler(request, *args, **kwargs))
            self.post = once
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        values = [*kwargs.values(), *request.query_params.keys()]
        values += [v for vs in request.query_params.lists() for v in vs[1]]
        if any("\x00" in str(value) for value in values):
            raise exceptions.ValidationError(_("Null characters are not allowed."), code="null")
