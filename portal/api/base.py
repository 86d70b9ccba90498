"""The portal's ``ModelSerializer``: its fields built from the model once per class, not per response.

DRF's ``ModelSerializer.get_fields()`` reads the model's fields, builds each field's arguments and
validators and instantiates them, on every serializer instance: every response, and each nested
serializer again. The result depends on the class alone (its ``Meta`` and its declared fields), so it is
built once per class and each instance gets a deep copy, as DRF already gives each instance copies of the
declared fields. The problem serializer: 2.2 ms to build, 0.7 ms to copy (docs/performance.md, "API
serializers' fields built once per class").
"""

import copy

from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")  # the class's own, never a parent's
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return copy.deepcopy(built)
