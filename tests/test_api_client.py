"""A client nobody here wrote: openapi-python-client generates a Python package from /api/v1/schema/
(in a temporary directory, no warnings, no hand fixes), every module of it imports, and a town
officer uses it against a live server: token, facility list, `near`, create and update a facility,
and an error body read as the `Error` model.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conftest import PASSWORD, TOWN_A, make_user
from hechuan_portal.accounts.models import Role

PACKAGE = "hechuan_client"
VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def generated_client(live_server, tmp_path):
    """The package generated from the live schema, importable for the test, unloaded after it."""
    schema = tmp_path / "schema.json"
    schema.write_bytes(requests.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=30).content)
    # The generator formats its output with ruff, from the same environment.
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [VENV_BIN / "openapi-python-client", "generate", "--path", schema, "--meta", "none",
         "--output-path", tmp_path / PACKAGE],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output and "Unable to" not in output, output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_generated_client_imports_and_works_for_an_officer(
    generated_client, live_server, reference_data, settings
):
    settings.AXES_ENABLED = False
    make_user("client_officer", Role.TOWN_OFFICER, TOWN_A)
    package = generated_client

    # Every module imports (issue 22: 15 of 57 did not).
    modules = [m.name for m in pkgutil.walk_packages(package.__path__, PACKAGE + ".")]
    for name in modules:
        importlib.import_module(name)
    assert len(modules) > 100

    from hechuan_client import AuthenticatedClient, Client
    from hechuan_client.api.auth import auth_token_create
    from hechuan_client.api.facilities import (
        facilities_create,
        facilities_list,
        facilities_near,
        facilities_partial_update,
        facilities_retrieve,
    )
    from hechuan_client.models import (
        Error,
        FacilityCreateRequest,
        FacilityCreateStatusEnum,
        FacilityKindEnum,
        FacilityPublic,
        FacilityStaff,
        PatchedFacilityStaffRequest,
        TokenRequestRequest,
        TokenResponse,
    )

    base = live_server.url
    anonymous = Client(base_url=base, raise_on_unexpected_status=True)
    token = auth_token_create.sync(
        client=anonymous, body=TokenRequestRequest(username="client_officer", password=PASSWORD)
    )
    assert isinstance(token, TokenResponse) and token.token
    officer = AuthenticatedClient(
        base_url=base, token=token.token, prefix="Token", raise_on_unexpected_status=True
    )

    # Create: a JSON body; the answer is the staff record, its canteen subtype null (not a canteen).
    created = facilities_create.sync(
        client=officer,
        body=FacilityCreateRequest(
            name="客户端测试养老服务站",
            kind=FacilityKindEnum.COMMUNITY_ELDER_STATION,
            town=TOWN_A,
            lng=106.2766,
            lat=29.9718,
            beds_total=12,
            status=FacilityCreateStatusEnum.OPERATING,
        ),
    )
    assert isinstance(created, FacilityStaff), created
    assert created.canteen_subtype is None and created.town == TOWN_A and created.beds_total == 12

    # Update (PATCH) as the officer.
    updated = facilities_partial_update.sync(
        client=officer, id=created.id, body=PatchedFacilityStaffRequest(beds_total=20, phone="023-42820000")
    )
    assert isinstance(updated, FacilityStaff), updated
    assert updated.beds_total == 20 and updated.phone == "023-42820000"

    # The list: staff records for the officer (typed as such, not as public rows).
    page = facilities_list.sync(client=officer, q="客户端测试", limit=10)
    assert page is not None and page.count == 1
    assert isinstance(page.results[0], FacilityStaff) and page.results[0].id == created.id

    # `near`, public rows for everyone (the facility was created operating).
    nearby = facilities_near.sync(client=anonymous, near="106.2766,29.9718", radius=500)
    assert nearby is not None and nearby.count >= 1
    row = next(r for r in nearby.results if r.id == created.id)
    assert isinstance(row, FacilityPublic) and row.distance_m is not None and row.distance_m < 1

    # An error body, read as the Error model: a facility outside anyone's reach is a 404.
    missing = facilities_retrieve.sync_detailed(client=officer, id=987654321)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, Error)
    assert missing.parsed.code == "not_found" and missing.parsed.detail

    # A refused write: a required field missing is a 400 naming the field.
    refused = facilities_create.sync_detailed(
        client=officer,
        body=FacilityCreateRequest(
            name="", kind=FacilityKindEnum.COMMUNITY_ELDER_STATION, town=TOWN_A, lng=106.27, lat=29.97
        ),
    )
    assert refused.status_code == 400 and isinstance(refused.parsed, Error)
    assert refused.parsed.field == "name"
