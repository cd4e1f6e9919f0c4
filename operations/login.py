"""Sign-in with throttling: after repeated failures for one username or address, wait."""

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext as _

FAILURE_LIMIT = 5
WINDOW_SECONDS = 15 * 60


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    return [f"login-fail:user:{username.lower()}", f"login-fail:addr:{address}"]


def is_locked(request, username: str) -> bool:
    return any((cache.get(key) or 0) >= FAILURE_LIMIT for key in _keys(request, username))


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)


class ThrottledLoginView(auth_views.LoginView):
    """Django's LoginView, refusing further tries for 15 minutes after 5 failures."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if is_locked(request, username):
            form = self.get_form()
            form.add_error(None, _("Too many failed attempts. Try again in 15 minutes."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_failure(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)
