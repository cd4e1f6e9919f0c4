"""Serializer building blocks shared by every app's API."""

import copy

from rest_framework.serializers import BaseSerializer


class FieldsBuiltOnceMixin:
    """For a serializer whose fields depend on its class only (not on the request): work
    them out once per class, then give each serializer instance light copies.

    DRF builds every field anew for every serializer it makes: a ModelSerializer
    introspects its model, and copying a declared field runs its ``__init__`` again. On
    the busiest endpoints that was a tenth of a request. Binding a field to its
    serializer sets the field's name, parent and source, so each instance still gets
    its own field objects; what the copies share (validators, error messages, querysets,
    which are cloned before use) is only read. A field that holds other fields (a
    list's child, a nested serializer) is copied deeply, as DRF does, because its
    children point back at it.
    """

    def get_fields(self):
        cls = type(self)
        template = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            for field in template.values():
                field.validators  # noqa: B018 -- worked out once, then shared by the copies
            cls._fields_template = template
        return {name: copy.deepcopy(field) if _holds_fields(field) else copy.copy(field)
                for name, field in template.items()}


def _holds_fields(field) -> bool:
    return (isinstance(field, BaseSerializer) or hasattr(field, "child")
            or hasattr(field, "child_relation"))
