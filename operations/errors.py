"""The 400 page: says what was wrong with the address or form when a view knows it."""

from django.core.exceptions import BadRequest
from django.shortcuts import render


def bad_request(request, exception):
    """Django's handler400, with the reason a view gave when it raised BadRequest.

    Other 400s (a suspicious host, a broken upload) keep their reason to the logs.
    """
    reason = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"reason": reason}, status=400)
