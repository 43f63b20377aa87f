"""Uploaded files, stored once: checked by their first bytes, named by their SHA-256.

`store_files` does the same for several uploads, all or none (a multi-file submission that is refused
leaves nothing behind, on disk or in the database). `store_file` validates an upload (size, type sniffed from the content — the name and the browser's
header are not trusted) and writes it under MEDIA_ROOT at `<folder>/ab/abcd….ext`; a row recording
it subclasses the abstract `StoredUpload` and takes `StoredFile.fields(actor)`. Because the name is
the hash, the same content is stored once and a file cannot be swapped unnoticed. `serve_upload` is
the one way a stored upload goes back to a browser: scoped, audited, never cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.audit import audit_read
from hechuan_portal.common.errors import PortalError


class UploadCode(models.TextChoices):
    FILE_TOO_LARGE = "file_too_large", _("文件过大。")
    FILE_TYPE = "file_type", _("只接受 JPEG、PNG、WebP 图片或 PDF 文件。")


_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def sniff_type(head: bytes, *, allow_pdf: bool) -> tuple[str, str]:
    """Content type and extension from the file's first bytes, or PortalError `file_type`."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    for magic, ctype, ext in _SIGNATURES:
        if head.startswith(magic) and (allow_pdf or ctype != "application/pdf"):
            return ctype, ext
    raise PortalError(UploadCode.FILE_TYPE)


def stored_path(instance: Any, filename: str) -> str:
    """`upload_to` of every StoredUpload: `<app label>/ab/abcd….ext`, the content's hash."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{instance._meta.app_label}/{instance.sha256[:2]}/{instance.sha256}.{ext}"


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int
    content_type: str

    def fields(self, actor: Any) -> dict[str, Any]:
        """The StoredUpload columns for a row recording this file, sent by `actor`."""
        return {
            "file": self.name,
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
            "uploaded_by": actor,
        }


def _checked(upload: Any, *, folder: str, max_bytes: int, allow_pdf: bool) -> tuple[StoredFile, bytes]:
    """The file `upload` would be stored as, and its content (PortalError `file_too_large` /
    `file_type` otherwise). Writes nothing."""
    if upload.size is not None and upload.size > max_bytes:
        raise PortalError(UploadCode.FILE_TOO_LARGE)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PortalError(UploadCode.FILE_TOO_LARGE)
    ctype, ext = sniff_type(data[:16], allow_pdf=allow_pdf)
    digest = hashlib.sha256(data).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest}.{ext}"
    return StoredFile(name=name, sha256=digest, size=len(data), content_type=ctype), data


def _write(stored: StoredFile, data: bytes) -> bool:
    """Write the content at its name unless it is there already; True when this call wrote it."""
    if default_storage.exists(stored.name):
        return False
    saved = default_storage.save(stored.name, ContentFile(data))
    if saved != stored.name:
        # A concurrent upload of the same content stored it first; keep that one.
        default_storage.delete(saved)
        return False
    return True


@contextmanager
def store_files(
    uploads: Sequence[Any], *, folder: str, max_bytes: int, allow_pdf: bool = False
) -> Iterator[list[StoredFile]]:
    """All or none: every upload is checked before any is written (one refused file stores none),
    and if writing one fails or the `with` block raises (a refusal after the files, a failed
    insert), the files this call wrote are removed again. Files that were there before stay: the
    same content may already belong to another record."""
    checked = [_checked(u, folder=folder, max_bytes=max_bytes, allow_pdf=allow_pdf) for u in uploads]
    written: list[str] = []
    try:
        for stored, data in checked:
            if _write(stored, data):
                written.append(stored.name)
        yield [stored for stored, _data in checked]
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def store_file(upload: Any, *, folder: str, max_bytes: int, allow_pdf: bool = False) -> StoredFile:
    """Check `upload` and write it at `<folder>/ab/abcd….ext` (PortalError `file_too_large` /
    `file_type` otherwise). A second upload of the same content reuses the stored file."""
    stored, data = _checked(upload, folder=folder, max_bytes=max_bytes, allow_pdf=allow_pdf)
    _write(stored, data)
    return stored


class StoredUpload(models.Model):
    """A file stored under MEDIA_ROOT at a path made of its SHA-256, with who sent it and when."""

    file = models.FileField(_("文件"), upload_to=stored_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=32)
    received_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="%(app_label)s_%(class)s_sha256"
            ),
        ]

    def __str__(self) -> str:
        return self.sha256


def serve_upload(request: HttpRequest, qs: QuerySet, pk: int, *, town: str) -> FileResponse:
    """A stored upload the user may see (`qs` already limited to the rows within the user's scope; a
    row outside it is a 404), never cached; each download is an audited read (photos and evidence
    may show people). `town`: the lookup path from the upload to its town, e.g.
    "inspection__facility__town". A row whose file is gone is a 404."""
    obj = get_object_or_404(qs.select_related(town.rsplit("__", 1)[0]), pk=pk)
    try:
        handle = obj.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_read(request, obj=obj, town_path=town)
    response = FileResponse(handle, content_type=obj.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Photos and rectification evidence may show people: never kept by a browser or proxy.
    response["Cache-Control"] = "no-store"
    return response
