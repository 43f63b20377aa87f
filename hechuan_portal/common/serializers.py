"""The API's representation of a choice left blank: `null`, never `""`.

A model's optional choice (`CharField(choices=…, blank=True)`, e.g. a facility's canteen subtype or a
check-up's hearing result) stores `""` when it is not set. `""` is not one of the choices, so an API
that sent it would break every client generated from the schema. `BlankAsNullChoiceField` answers
`null` for it, is nullable in the schema, and accepts both `null` and `""` as "not set".

`PortalModelSerializer`, the base of every model serializer of the portal, builds its choice fields
with it, so an app's serializers need not remember to (tests/test_one_way.py checks that none derives
from DRF's `ModelSerializer` directly). DRF itself is left as it is: nothing is patched.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.fields import empty


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A ChoiceField for a model choice that may be blank: `""` in the database, `null` in the API."""

    def __init__(self, **kwargs: Any) -> None:
        self.blank_as_null = bool(kwargs.pop("allow_blank", False))
        if self.blank_as_null:
            kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        # A read-only field loses `allow_blank` on the way (ModelSerializer drops it): ask the model.
        model = getattr(getattr(parent, "Meta", None), "model", None)
        source = self.source or ""
        if model is not None and source and "." not in source and source != "*":
            try:
                model_field = model._meta.get_field(source)
            except FieldDoesNotExist:
                return
            if getattr(model_field, "blank", False) and isinstance(model_field, models.CharField):
                self.blank_as_null = True
                self.allow_null = True

    def run_validation(self, data: Any = empty) -> Any:
        if self.blank_as_null and (data is None or data == ""):
            return ""
        return super().run_validation(data)

    def to_representation(self, value: Any) -> Any:
        if value == "" and self.blank_as_null:
            return None
        return super().to_representation(value)


# No docstring: drf-spectacular would print it as the description of every serializer below it.
class PortalModelSerializer(serializers.ModelSerializer):
    # The portal's ModelSerializer: a model choice left blank is `null` in the API and its schema.
    serializer_choice_field = BlankAsNullChoiceField


class PortalAutoSchema(AutoSchema):
    """The API schema (settings DEFAULT_SCHEMA_CLASS). drf-spectacular describes a filter on a model
    field with DRF's own ModelSerializer; a blank choice is nullable there too, as in the serializers."""

    def _map_model_field(self, model_field: models.Field, direction: Any) -> dict:
        schema = super()._map_model_field(model_field, direction)
        if not (isinstance(model_field, models.CharField) and model_field.choices and model_field.blank):
            return schema
        # Where drf-spectacular puts it for a nullable serializer field: right after the type.
        keys = list(schema)
        at = keys.index("type") + 1 if "type" in keys else 0
        items = [(k, v) for k, v in schema.items() if k != "nullable"]
        return dict([*items[:at], ("nullable", True), *items[at:]])
