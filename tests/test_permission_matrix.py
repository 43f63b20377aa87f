"""The permission matrix: every URL pattern and every API operation × every role.

Endpoints come from the URL resolver and from the OpenAPI schema, so a new endpoint without an entry
in `tests/permission_table.py` fails `test_every_endpoint_is_declared` (its message prints what each
role got, as an entry to review). For each declared case and role the test asserts the exact status;
a refused write must leave every table as it was; anonymous answers must carry no personal fields;
every 4xx answer of the API has the one error body (`tests/error_body.py`).
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator

from conftest import TOWN_A, TOWN_B, _client_for, make_user
from hechuan_portal.accounts.models import Role
from hechuan_portal.accounts.services import district_admin_group_sync
from hechuan_portal.accounts.testing import verify_second_factor

from . import permission_table as table
from .error_body import response_problems

pytestmark = pytest.mark.django_db

SAMPLE_KWARGS = {
    "object_id": "1",
    "content_type_id": "1",
    "app_label": "accounts",
    "url": "nothing/",
    "format": "json",
    "pk": "1",
    "id": "1",
    "resident_pk": "1",
    "month": "2026-01",
    "code": "nothing",
    "town": "500117001000",
}
METHODS = ("get", "post", "put", "patch", "delete")
# Keys no anonymous answer may carry; and an 18-character GB 11643 shape anywhere in its body.
PERSONAL_KEYS = {
    "id_number",
    "id_cipher",
    "id_index",
    "id_masked",
    "birth_date",
    "phone",
    "hukou_code",
    "address",
}
ID_SHAPE = re.compile(
    r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dXx])"
)
# Tables a refused request may still write to: the audit trail, sessions and the lockout counters.
UNTRACKED_TABLES = {
    "accounts_auditevent",
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
}


@dataclass(frozen=True)
class Endpoint:
    key: str  # the table key: URL name, route, or "(path, method)" for the API
    path: str  # a concrete path to request (parameters filled per case)
    route: str
    method: str | None = None  # API operations only


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _schema_callbacks() -> set:
    """The views the schema describes (the schema and Swagger views themselves are excluded from it)."""

    def shape(path):  # the schema may name a parameter after the lookup field ({code} for {pk})
        return re.sub(r"\{\w+\}", "{}", path)

    paths = {shape(p) for p in _schema()["paths"]}
    return {
        callback
        for path, _regex, _method, callback in EndpointEnumerator().get_api_endpoints()
        if shape(path) in paths
    }


def url_endpoints() -> list[Endpoint]:
    """Every non-API pattern, plus the API patterns the schema does not describe (root, schema, UI)."""
    in_schema = _schema_callbacks()
    seen: dict[str, Endpoint] = {}
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if pattern.callback in in_schema:
            continue
        key = name or route
        seen.setdefault(key, Endpoint(key=key, path="", route=route))
    return list(seen.values())


def api_endpoints() -> list[Endpoint]:
    schema = _schema()
    return [
        Endpoint(key=f"{path} {method}", path=path, route=path, method=method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in METHODS
    ]


def _url_case_key(endpoint: Endpoint) -> str | None:
    if endpoint.key in table.URLS:
        return endpoint.key
    matches = [k for k in table.URLS if k.endswith("*") and endpoint.key.startswith(k[:-1])]
    return max(matches, key=len) if matches else None


def cases_for(endpoint: Endpoint) -> list[table.Case] | None:
    if endpoint.method:
        found = table.API.get((endpoint.path, endpoint.method))
        if found is None:
            return None
        cases = found if isinstance(found, list) else [found]
        return [c if c.method == endpoint.method else _with_method(c, endpoint.method) for c in cases]
    key = _url_case_key(endpoint)
    if key is None:
        return None
    found = table.URLS[key]
    return found if isinstance(found, list) else [found]


def _with_method(case, method):
    return table.Case(**{**case.__dict__, "method": method})


def concrete_path(route: str, kwargs: dict) -> str:
    """Fill a route's parameters: `<conv:name>`, `(?P<name>…)` and `{name}` (schema paths)."""
    values = {**SAMPLE_KWARGS, **{k: str(v) for k, v in kwargs.items()}}
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], path)
    path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return path if path.startswith("/") else "/" + path


# --- the cast and the world -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_hasher(settings, tmp_path):
    # Six users per test: a fast hash keeps the matrix quick (autouse runs before the cast).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"  # the world's photos and reports


@pytest.fixture
def cast(db):
    users = {
        "district_admin": make_user("m_admin", Role.DISTRICT_ADMIN),
        "district_staff": make_user("m_staff", Role.DISTRICT_STAFF),
        "officer_a": make_user("m_officer_a", Role.TOWN_OFFICER, TOWN_A),
        "officer_b": make_user("m_officer_b", Role.TOWN_OFFICER, TOWN_B),
        "operator": make_user("m_operator", Role.FACILITY_OPERATOR, TOWN_A),
        "auditor": make_user("m_auditor", Role.AUDITOR),
    }
    # As `create_portal_user` provisions them: district administrators are admin-site staff.
    users["district_admin"].is_staff = True
    users["district_admin"].save(update_fields=["is_staff"])
    district_admin_group_sync(user=users["district_admin"])
    return users


class _World(dict):
    """Each app's objects built on first use: a list page's entry builds nothing."""

    def __init__(self, cast):
        super().__init__()
        self.cast = cast

    def __missing__(self, name):
        self[name] = table.WORLD[name](self.cast)
        return self[name]


@pytest.fixture
def world(cast):
    return _World(cast)


def _clients(cast) -> dict[str, Client]:
    """One client per role, each having just re-entered its password: the matrix checks who may
    reveal and export at all; the re-authentication step itself is tests/test_reauth_wiring.py's."""
    clients = {"anonymous": Client()}
    for role, user in cast.items():
        clients[role] = _client_for(user)
    # The admin admits district administrators only with a verified second factor.
    verify_second_factor(clients["district_admin"], cast["district_admin"])
    return clients


def _table_counts() -> dict[str, tuple]:
    """Row count and an md5 over the rows of every table: a refused write must change neither (an
    UPDATE keeps the count but not the checksum)."""
    tables = sorted(set(connection.introspection.table_names()) - UNTRACKED_TABLES - {"spatial_ref_sys"})
    sql = " UNION ALL ".join(
        f"SELECT '{t}', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{t}\" x"
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {name: (count, digest) for name, count, digest in cursor.fetchall()}


def _request(client: Client, case: table.Case, path: str, world: dict | None = None):
    url = path + (f"?{case.query}" if case.query else "")
    if case.method == "get":
        return client.get(url)
    data = case.data(world) if callable(case.data) else case.data  # data(world): ids of world objects
    if path.startswith("/api/"):
        return getattr(client, case.method)(url, data=json.dumps(data or {}), content_type="application/json")
    return getattr(client, case.method)(url, data=data or {})


def _personal_leaks(response, allowed=frozenset()) -> list[str]:
    body = response.content.decode(errors="replace")
    leaks = [f"ID-number shape {m}" for m in ID_SHAPE.findall(body)]
    if response.get("Content-Type", "").startswith("application/json"):

        def keys(value):
            if isinstance(value, dict):
                for k, v in value.items():
                    yield k
                    yield from keys(v)
            elif isinstance(value, list):
                for v in value:
                    yield from keys(v)

        leaks += [f"personal key {k}" for k in (set(keys(response.json())) & PERSONAL_KEYS) - allowed]
    return leaks


def run_case(case: table.Case, route: str, clients: dict[str, Client], world: dict) -> list[str]:
    per_role = callable(case.kwargs) and len(inspect.signature(case.kwargs).parameters) == 2
    problems = []
    for role in table.ROLES:
        if per_role:  # kwargs(world, role): e.g. a fresh object per role for a DELETE
            kwargs = case.kwargs(world, role)
        else:
            kwargs = case.kwargs(world) if callable(case.kwargs) else case.kwargs
        path = concrete_path(route, kwargs)
        if callable(case.data):  # resolved here so the world is built before the tables are read
            case = table.Case(**{**case.__dict__, "data": case.data(world)})
        expected = case.statuses[role]
        safe = case.method in ("get", "head", "options")
        before = None if safe else _table_counts()
        AccessAttempt.objects.all().delete()  # seven roles posting the same wrong login is not an attack
        response = _request(clients[role], case, path, world)
        ok = (
            response.status_code in expected
            if isinstance(expected, frozenset)
            else response.status_code == expected
        )
        if not ok:
            problems.append(
                f"{case.method.upper()} {path} as {role}: got {response.status_code}, expected {expected}"
            )
        if path.startswith("/api/") and 400 <= response.status_code < 500:
            problems += [
                f"{case.method.upper()} {path} as {role}: {response.status_code} error body {problem}"
                for problem in response_problems(response)
            ]
        if not safe and response.status_code >= 400 and _table_counts() != before:
            problems.append(
                f"{case.method.upper()} {path} as {role}: refused ({response.status_code}) but data changed"
            )
        if role == "anonymous" and response.status_code == 200:
            problems += [
                f"{case.method.upper()} {path} as anonymous: {leak}"
                for leak in _personal_leaks(response, case.public_keys)
            ]
    return problems


# --- the tests -------------------------------------------------------------------------------------

ALL_ENDPOINTS = url_endpoints() + api_endpoints()


def test_every_endpoint_is_declared(cast, world):
    missing = [e for e in ALL_ENDPOINTS if cases_for(e) is None]
    if not missing:
        return
    clients = _clients(cast)
    lines = []
    for e in missing:
        method = e.method or "get"
        path = concrete_path(e.route, {})
        observed = {}
        for role in table.ROLES:
            case = table.Case(table.expect(0), method=method, data={})
            observed[role] = _request(clients[role], case, path).status_code
        key = f'("{e.path}", "{e.method}")' if e.method else f'"{e.key}"'
        lines.append(f"    {key}: Case(expect(...)),  # observed at {path}: {observed}")
    pytest.fail(
        "Endpoints without an entry in tests/permission_table.py — declare what each role may do:\n"
        + "\n".join(lines)
    )


def test_no_stale_entries():
    names = {e.key for e in ALL_ENDPOINTS if not e.method}
    api = {(e.path, e.method) for e in ALL_ENDPOINTS if e.method}
    stale = [k for k in table.URLS if not k.endswith("*") and k not in names]
    stale += [k for k in table.API if k not in api]
    assert stale == []


def _groups() -> dict[str, list[Endpoint]]:
    """One test per table entry: the endpoints a wildcard entry covers share one set of clients."""
    groups: dict[str, list[Endpoint]] = {}
    for e in ALL_ENDPOINTS:
        if cases_for(e):
            key = e.key if e.method else _url_case_key(e)
            groups.setdefault(key, []).append(e)
    return groups


@pytest.mark.parametrize(("key", "endpoints"), list(_groups().items()), ids=list(_groups()))
def test_endpoint_answers_each_role_as_declared(key, endpoints, cast, world):
    clients = _clients(cast)
    problems = []
    for endpoint in endpoints:
        for case in cases_for(endpoint):
            if not case.skip:
                problems += run_case(case, endpoint.route, clients, world)
    assert problems == [], "\n".join(problems)


def matrix_size() -> tuple[int, int]:
    """(endpoints, endpoint × role requests) — the figure SECURITY.md quotes."""
    endpoints = [e for e in ALL_ENDPOINTS if cases_for(e)]
    requests = sum(len(table.ROLES) for e in endpoints for c in cases_for(e) if not c.skip)
    return len(endpoints), requests


def test_an_undeclared_endpoint_is_caught(settings):
    """The safety net itself: a URLconf with extra views yields endpoints that have no entry."""
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "tests.security_urls"
    clear_url_caches()
    try:
        undeclared = {e.key for e in url_endpoints() if cases_for(e) is None}
    finally:
        clear_url_caches()
    assert {"t/reveal/", "t/export/", "t/boom/"} <= undeclared
