"""A service's refusal on an HTML form: `form_error` and `form_refusal`."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied

from hechuan_portal.common.errors import CommonCode, PortalError, form_error, form_refusal


class PersonForm(forms.Form):
    id_number = forms.CharField()
    note = forms.CharField(required=False)


def bound():
    form = PersonForm({"id_number": "x", "note": ""})
    assert form.is_valid()
    return form


def test_a_refusal_goes_on_its_field_when_the_form_has_it_else_on_the_form():
    form = bound()
    form_error(form, PortalError(CommonCode.INVALID, field="note"))
    form_error(form, PortalError(CommonCode.NOT_FOUND, field="resident"))
    assert form.errors.as_data()["note"][0].code == "invalid"
    assert [e.code for e in form.non_field_errors().as_data()] == ["not_found"]


def test_fields_map_a_service_field_onto_the_form_field_it_came_from():
    form = bound()
    form_error(form, PortalError(CommonCode.NOT_FOUND, field="resident"), fields={"resident": "id_number"})
    assert [e.code for e in form.errors.as_data()["id_number"]] == ["not_found"]
    assert not form.non_field_errors()


def test_form_refusal_returns_the_status_and_makes_a_role_refusal_the_403_page():
    form = bound()
    status = form_refusal(
        form,
        PortalError(CommonCode.NOT_FOUND, field="resident", status=404),
        fields={"resident": "id_number"},
    )
    assert status == 404 and "id_number" in form.errors
    other = bound()
    with pytest.raises(PermissionDenied):
        form_refusal(other, PortalError(CommonCode.NOT_ALLOWED, field="note", status=403))
    assert not other.errors
