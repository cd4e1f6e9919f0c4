"""Serializers that build their fields once per class still behave per instance."""

from rest_framework import serializers

from api.serializers import FieldsBuiltOnceMixin


class Echo(FieldsBuiltOnceMixin, serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=9)
    words = serializers.ListField(child=serializers.CharField(max_length=3))
    who = serializers.SerializerMethodField()

    def get_who(self, obj):
        return self.context["name"]


def test_each_instance_gets_its_own_bound_fields():
    first, second = Echo(), Echo()
    for name in ("count", "words", "who"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second
    assert first.fields["words"].child is not second.fields["words"].child
    assert first.fields["words"].child.parent is first.fields["words"]


def test_validation_is_independent_between_instances():
    good = Echo(data={"count": 3, "words": ["ab"]})
    bad = Echo(data={"count": 12, "words": ["abcd"]})
    assert good.is_valid(), good.errors
    assert not bad.is_valid()
    assert set(bad.errors) == {"count", "words"}
    assert good.validated_data == {"count": 3, "words": ["ab"]}
    # the refused instance did not leave its errors on the shared validators
    again = Echo(data={"count": 9, "words": []})
    assert again.is_valid(), again.errors


def test_output_reads_each_instance_context():
    row = {"count": 2, "words": ["a"]}
    assert Echo(row, context={"name": "Leiden"}).data["who"] == "Leiden"
    assert Echo(row, context={"name": "Gouda"}).data["who"] == "Gouda"
