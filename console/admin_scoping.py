"""Admin classes scoped per municipality: add `MunicipalityScopedAdmin` first in the bases.

An admin of Gouda sees and changes Gouda's rows only: the change lists, the
choices in foreign-key fields, and every object page (another municipality's
object answers 403). Regional admins and superusers see everything. Django's
model permissions still decide what a person may do at all; this only narrows
where.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError

from .scoping import CUSTOM_CHOICE_LOOKUPS, in_scope, scope_of, scope_queryset


def request_scope(request):
    if not hasattr(request, "_venster_scope"):
        request._venster_scope = scope_of(request.user)
    return request._venster_scope


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A sidebar filter on a relation that offers only the scope's rows: a Gouda admin
    does not see the names of Leiden's zones, bays or organisations."""

    def field_choices(self, field, request, model_admin):
        rows = scope_queryset(field.related_model._default_manager.all(), request_scope(request))
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows]


class MunicipalityScopedAdmin:
    """Mixin for ModelAdmin and InlineModelAdmin classes."""

    def get_list_filter(self, request):
        return [self._scoped_filter(entry) for entry in super().get_list_filter(request)]

    def _scoped_filter(self, entry):
        if not isinstance(entry, str):
            return entry
        try:
            field = get_fields_from_path(self.model, entry)[-1]
        except FieldDoesNotExist:
            return entry
        return (entry, ScopedRelatedFieldListFilter) if field.is_relation else entry

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request_scope(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scoped_choices(field, request, db_field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scoped_choices(field, request, db_field)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self._exists_elsewhere(object_id, from_field):
            raise PermissionDenied
        return obj

    def _exists_elsewhere(self, object_id, from_field):
        field = self.model._meta.get_field(from_field) if from_field else self.model._meta.pk
        try:
            value = field.to_python(object_id)
        except (ValidationError, ValueError):
            return False
        return self.model._default_manager.filter(**{field.attname: value}).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and in_scope(obj, request_scope(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and in_scope(obj, request_scope(request))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and in_scope(obj, request_scope(request))


def _scoped_choices(field, request, db_field):
    if field is not None and getattr(field, "queryset", None) is not None:
        key = (db_field.model._meta.label_lower, db_field.name)
        field.queryset = scope_queryset(field.queryset, request_scope(request),
                                        CUSTOM_CHOICE_LOOKUPS.get(key))
    return field
