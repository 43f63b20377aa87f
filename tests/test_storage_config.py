"""MEDIA_STORAGE chooses where media live: local disk by default, S3-compatible storage on demand."""

from __future__ import annotations

import environ
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hechuan_portal.storage import LOCAL_BACKEND, S3_BACKEND, media_storage


def _env(monkeypatch, **values):
    for name in (
        "MEDIA_STORAGE",
        "MEDIA_S3_BUCKET",
        "MEDIA_S3_ENDPOINT_URL",
        "MEDIA_S3_REGION",
        "MEDIA_S3_ACCESS_KEY",
        "MEDIA_S3_SECRET_KEY",
        "MEDIA_S3_PREFIX",
        "MEDIA_S3_URL_SECONDS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


def test_local_disk_by_default(monkeypatch):
    assert media_storage(_env(monkeypatch)) == {"BACKEND": LOCAL_BACKEND}
    assert settings.STORAGES["default"] == {"BACKEND": LOCAL_BACKEND}


def test_s3_options(monkeypatch):
    env = _env(
        monkeypatch,
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="hechuan-media",
        MEDIA_S3_ENDPOINT_URL="https://minio.internal:9000",
        MEDIA_S3_ACCESS_KEY="ak",
        MEDIA_S3_SECRET_KEY="sk",
    )
    assert media_storage(env) == {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": "hechuan-media",
            "location": "media",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "endpoint_url": "https://minio.internal:9000",
            "access_key": "ak",
            "secret_key": "sk",
        },
    }


@pytest.mark.parametrize("values", [{"MEDIA_STORAGE": "s3"}, {"MEDIA_STORAGE": "ftp"}])
def test_misconfiguration_is_refused(monkeypatch, values):
    with pytest.raises(ImproperlyConfigured):
        media_storage(_env(monkeypatch, **values))
