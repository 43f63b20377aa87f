"""The site frame: health check, settings, migrations, OpenAPI, error pages."""

import json
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from drf_spectacular.validation import validate_schema

from hechuan_portal import health


@pytest.fixture
def no_redis(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    health._redis_client = None
    yield
    health._redis_client = None


def test_settings_follow_the_design():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert settings.DATABASES["default"]["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_postgis_is_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT postgis_lib_version()")
        assert cursor.fetchone()[0].startswith("3.")


@pytest.mark.django_db
def test_healthz_ok_when_database_and_redis_answer(client):
    health._redis_client = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_healthz_503_names_redis_when_it_is_down(client, no_redis):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "unavailable"}


@pytest.mark.django_db
def test_healthz_503_names_the_database_when_it_is_down(rf):
    """A real failed connection (nothing listens on port 1), made in a thread of its own so the
    test's own connection is never touched."""
    result = {}

    def probe():
        conn = connections["default"]
        conn.settings_dict = {**conn.settings_dict, "PORT": "1"}
        try:
            result["response"] = health.healthz(rf.get("/healthz"))
        finally:
            conn.close()

    health._redis_client = None
    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    response = result["response"]
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "unavailable", "redis": "ok"}


@pytest.mark.django_db
def test_openapi_schema_is_valid(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/areas/" in schema["paths"]


@pytest.mark.django_db
def test_swagger_ui_is_served_without_a_cdn(client):
    body = client.get("/api/v1/schema/swagger/").content.decode()
    assert "swagger" in body.lower()
    assert "cdn.jsdelivr" not in body and "unpkg" not in body


@pytest.mark.django_db
def test_finder_home_is_chinese_and_lists_the_towns(client):
    body = client.get("/").content.decode()
    assert "找身边的养老、助餐、托育服务" in body
    assert "双槐镇" in body and "合阳城街道" in body


@pytest.mark.django_db
def test_english_is_switchable(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Find elder care, meals and childcare near you" in body


@pytest.mark.django_db
def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_admin_is_mounted(client):
    assert client.get("/admin/").status_code == 302
