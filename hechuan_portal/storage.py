"""Where uploaded and generated files live (STORAGES["default"]), chosen by the environment.

`MEDIA_STORAGE=local` (the default): FileSystemStorage under MEDIA_ROOT, right for one server.
`MEDIA_STORAGE=s3`: S3-compatible object storage (AWS S3, MinIO, Aliyun OSS / Tencent COS in S3
mode) through django-storages, so every web replica and Celery worker sees the same files:
`MEDIA_S3_BUCKET` (required), `MEDIA_S3_ENDPOINT_URL`, `MEDIA_S3_REGION`, `MEDIA_S3_ACCESS_KEY`,
`MEDIA_S3_SECRET_KEY` (or the instance's role), `MEDIA_S3_PREFIX`. Files stay private: no public ACL,
downloads go through the portal's views or short-lived signed URLs, never overwritten in place.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"


def media_storage(env) -> dict:
    kind = env("MEDIA_STORAGE", default="local").strip().lower()
    if kind == "local":
        return {"BACKEND": LOCAL_BACKEND}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {kind!r}")
    bucket = env("MEDIA_S3_BUCKET", default="")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET")
    options = {
        "bucket_name": bucket,
        "location": env("MEDIA_S3_PREFIX", default="media"),
        "default_acl": None,  # private objects: the bucket policy decides, never public-read
        "querystring_auth": True,  # signed, expiring URLs
        "querystring_expire": env.int("MEDIA_S3_URL_SECONDS", default=300),
        "file_overwrite": False,
    }
    for option, var in (
        ("endpoint_url", "MEDIA_S3_ENDPOINT_URL"),
        ("region_name", "MEDIA_S3_REGION"),
        ("access_key", "MEDIA_S3_ACCESS_KEY"),
        ("secret_key", "MEDIA_S3_SECRET_KEY"),
    ):
        if value := env(var, default=""):
            options[option] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
