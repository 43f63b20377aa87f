"""Permission bugs the matrix found, each pinned by a direct test."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from childcare.models import ChildcareSettings
from conftest import make_user
from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.testing import verify_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = make_user("reg_admin", Role.DISTRICT_ADMIN)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_childcare_settings_add_needs_the_model_permission(client, staff_admin):
    """The singleton's `has_add_permission` skipped the model permission: any admin-site account
    could create the settings row while none existed."""
    ChildcareSettings.objects.all().delete()
    client.force_login(staff_admin)
    verify_second_factor(client, staff_admin)
    assert client.get("/admin/childcare/childcaresettings/add/").status_code == 403
    response = client.post(
        "/admin/childcare/childcaresettings/add/", {"mixed_children_per_caregiver": 1, "offer_days": 1}
    )
    assert response.status_code == 403
    assert not ChildcareSettings.objects.exists()

    staff_admin.user_permissions.add(Permission.objects.get(codename="add_childcaresettings"))
    client.force_login(type(staff_admin).objects.get(pk=staff_admin.pk))
    verify_second_factor(client, staff_admin)
    assert client.get("/admin/childcare/childcaresettings/add/").status_code == 200
