"""Serializer building blocks shared by every app's API."""

import copy


class FieldsBuiltOnceMixin:
    """For a ModelSerializer whose fields depend on its class only (not on the request):
    work them out from the model once per class, then copy them for each instance.

    DRF introspects the model for every serializer it makes, which cost half of
    rendering one booking. Each instance still gets its own copies, because binding a
    field to its serializer changes the field.
    """

    def get_fields(self):
        cls = type(self)
        template = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            cls._fields_template = template
        return copy.deepcopy(template)
