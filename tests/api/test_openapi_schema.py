"""The OpenAPI schema speaks to API readers: every operation described, no developer notes."""

import inspect
import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

pytestmark = pytest.mark.django_db

OPERATIONS = {"get", "post", "put", "patch", "delete"}
LIBRARIES = ("rest_framework", "django", "drf_spectacular")


@pytest.fixture(scope="module")
def generated(django_db_blocker):
    with django_db_blocker.unblock():
        generator = SchemaGenerator()
        schema = generator.get_schema(request=None, public=True)
    return generator, schema


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in OPERATIONS:
                yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_description(generated):
    _generator, schema = generated
    undescribed = [name for name, op in operations(schema) if not op.get("description", "")
                   .strip()]
    assert undescribed == []


def _project_classes(cls):
    return [c for c in cls.__mro__ if not c.__module__.startswith(LIBRARIES)
            and c.__module__ != "builtins"]


def _serializer_classes(base=serializers.BaseSerializer):
    for sub in base.__subclasses__():
        yield sub
        yield from _serializer_classes(sub)


def developer_docstrings(generator) -> set[str]:
    """The first lines of the docstrings of the project's views, serializers and mixins."""
    classes = set()
    for _path, _regex, _method, view in generator.endpoints or []:
        classes.update(_project_classes(view.cls if hasattr(view, "cls") else view))
    for serializer in _serializer_classes():
        classes.update(_project_classes(serializer))
    lines = set()
    for cls in classes:
        doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
        if doc:
            lines.add(doc.splitlines()[0])
    return lines


def test_developer_docstrings_stay_out_of_the_schema(generated):
    generator, schema = generated
    generator._initialise_endpoints()
    docstrings = developer_docstrings(generator)
    text = json.dumps(schema, ensure_ascii=False)
    assert len(docstrings) >= 8  # the views and serializers were found
    assert [line for line in docstrings if line in text] == []


def test_the_calendar_feed_is_described_as_text_calendar(generated):
    _generator, schema = generated
    operation = schema["paths"]["/api/v1/calendar/{token}.ics"]["get"]
    assert "iCalendar" in operation["description"]
    assert list(operation["responses"]["200"]["content"]) == ["text/calendar"]
    assert operation["security"] == [{}]
    assert "401" not in operation["responses"] and "429" not in operation["responses"]


def test_writes_declare_too_large_bodies_and_media_types(generated):
    _generator, schema = generated
    for name, operation in operations(schema):
        if name.startswith(("POST", "PUT", "PATCH")):
            assert {"413", "415"} <= set(operation["responses"]), name
