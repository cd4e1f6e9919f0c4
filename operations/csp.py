"""Content-Security-Policy headers: django-csp's middleware, with the policy built once.

django-csp builds the policy from the settings again for every response; on an API
request that was a thirtieth of its CPU (counted with callgrind). A response's policy
only differs from the settings' when its view asked for a nonce or used one of
django-csp's decorators, and such a response still goes through django-csp unchanged.
"""

from __future__ import annotations

import functools
import http

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed

#: what django-csp's decorators leave on a response to change its policy
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace",
                 "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")

#: (header, its setting, the response attribute that exempts a response from it)
_HEADERS = ((HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"))

#: django-csp leaves these without a policy under DEBUG, for Django's debug pages
_DEBUG_PAGES = (http.HTTPStatus.NOT_FOUND, http.HTTPStatus.INTERNAL_SERVER_ERROR)


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        if _policy_varies(request, response):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in _DEBUG_PAGES:
            return response
        for header, setting, exempt in _HEADERS:
            policy, excluded_prefixes = _policy_from_settings(setting)
            if (policy and header not in response and not getattr(response, exempt, False)
                    and not request.path_info.startswith(excluded_prefixes)):
                response[header] = policy
        # as django-csp does: a nonce asked for after the header is written is an error
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def _policy_varies(request, response) -> bool:
    return (getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE))


@functools.cache
def _policy_from_settings(setting: str) -> tuple[str, tuple[str, ...]]:
    """The header value as django-csp builds it from the setting, and the setting's
    EXCLUDE_URL_PREFIXES."""
    configured = getattr(settings, setting, None) or {}
    policy = build_policy(report_only=setting.endswith("_REPORT_ONLY"))
    return policy, tuple(configured.get("EXCLUDE_URL_PREFIXES") or ())


def _forget_policies(setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy_from_settings.cache_clear()


setting_changed.connect(_forget_policies, dispatch_uid="operations-csp-settings")
