from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from operations.health import health
from operations.login import ThrottledLoginView
from portal.views import SignInView

urlpatterns = [
    # First: the API carries the load, and Django tries the patterns in order, noting each
    # one it passes.
    path("api/v1/", include("api.urls")),
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/login/", ThrottledLoginView.as_view(
        template_name="admin/login.html", extra_context={"site_header": admin.site.site_header},
    )),
    path("admin/", admin.site.urls),
    path("console/", include("console.urls")),
    path("enforcement/", include("access.urls")),
    path("cds/", include("cds.urls")),
    path("portal/", include("portal.urls")),
    path("api/", include("api.docs_urls")),
    path("hubs/", include("hubs.urls")),
    path("zones/", include("places.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

handler400 = "operations.error_pages.bad_request"
handler403 = "operations.error_pages.permission_denied"
handler404 = "operations.error_pages.page_not_found"
handler500 = "operations.error_pages.server_error"
