"""portal.api.base.ModelSerializer: a serializer's fields built once per class, each instance its own."""

from django.apps import apps
from django.conf import settings
from django.urls import get_resolver
from rest_framework import serializers

from portal.api.base import ModelSerializer
from portal.models import Region


def project_model_serializers() -> list[type]:
    get_resolver().url_patterns  # noqa: B018 - loads every app's API modules (portal.plugins.api_urls)
    project = {
        config.name
        for config in apps.get_app_configs()
        if config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path
    }
    found, todo = [], [serializers.ModelSerializer]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in project and not sub.__module__.startswith("tests"):
                found.append(sub)
    return found


def test_every_model_serializer_of_the_project_builds_its_fields_once():
    found = project_model_serializers()
    assert len(found) >= 30, found
    assert [cls for cls in found if not issubclass(cls, ModelSerializer)] == []


def test_the_fields_are_the_ones_drf_builds_and_each_instance_gets_its_own():
    for cls in project_model_serializers():
        if cls is ModelSerializer:
            continue
        # given DRF's own fields for this class
        expected = serializers.ModelSerializer.get_fields(cls())
        # when two instances ask for theirs (the first builds them, the second copies)
        first, second = cls().fields, cls().fields
        # then both are DRF's, field by field, and no field object is shared
        assert {name: repr(field) for name, field in first.items()} == {
            name: repr(field) for name, field in expected.items()
        }, cls
        assert list(second) == list(first), cls
        assert all(second[name] is not first[name] for name in first), cls
        assert all(field.parent is not None for field in second.values()), cls


def test_a_subclass_builds_its_own_fields_not_its_parents():
    class Parent(ModelSerializer):
        class Meta:
            model = Region
            fields = ["code"]

    class Child(Parent):
        class Meta(Parent.Meta):
            fields = ["code", "name"]

    assert list(Parent().fields) == ["code"]
    assert list(Child().fields) == ["code", "name"]
    assert list(Parent().fields) == ["code"]
