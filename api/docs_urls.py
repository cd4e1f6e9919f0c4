"""/api/schema/ (OpenAPI 3), /api/docs/ (Swagger UI) and /api/redoc/, from local static files.

The Swagger UI page is the split view: its initialiser is served from this site
(/api/docs/?script=) instead of inline, so the Content-Security-Policy (script-src 'self')
lets it run.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)


@extend_schema_view(get=extend_schema(description=(
    "This OpenAPI 3 description of the API, as YAML or (with `?format=json` or "
    "`Accept: application/vnd.oai.openapi+json`) JSON.")))
class SchemaView(SpectacularAPIView):
    pass


class SwaggerView(SpectacularSwaggerSplitView):
    # OPTIONS would render DRF's metadata with the page's HTML template and fail (a 500);
    # without a metadata class it is a 405 problem like any other method the page lacks.
    metadata_class = None


class RedocView(SpectacularRedocView):
    metadata_class = None


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
]
