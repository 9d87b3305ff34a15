"""What an uploaded evidence file is, by its first bytes (never by its name or the
browser's word), and whether it may be kept. Used by intake and inspections."""

from collections.abc import Callable, Sequence
from typing import Protocol

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Magic numbers of the evidence types a phone produces.
UPLOAD_SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}
HEIC_BRANDS = {b"ftypheic", b"ftypheix", b"ftypmif1"}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "image/heic": ".heic",
}


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

    def seek(self, offset: int, /) -> object: ...


def upload_type(upload: Readable) -> str | None:
    """The content type of a photo (JPEG, PNG, HEIC) or a PDF, else None; rewinds the file."""
    head = upload.read(16)
    upload.seek(0)
    if head[4:12] in HEIC_BRANDS:
        return "image/heic"
    return next((kind for magic, kind in UPLOAD_SIGNATURES.items() if head.startswith(magic)), None)


def evidence_check(
    uploads: Sequence[UploadedFile],
    *,
    add_error: Callable[[str, str], None],
    field: str = "evidence",
) -> list[tuple[UploadedFile, str]]:
    """The files that may be kept, with their type; each refusal goes to ``add_error``."""
    if len(uploads) > settings.QINGLING_UPLOAD_MAX_FILES:
        add_error(field, _("At most %(n)d files.") % {"n": settings.QINGLING_UPLOAD_MAX_FILES})
    checked = []
    for upload in uploads:
        kind = upload_type(upload)
        if kind is None:
            add_error(
                field,
                _("%(name)s is not a photo (JPEG, PNG, HEIC) or a PDF.") % {"name": upload.name},
            )
        elif upload.size is not None and upload.size > settings.QINGLING_UPLOAD_MAX_BYTES:
            add_error(
                field,
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": upload.name, "mb": settings.QINGLING_UPLOAD_MAX_BYTES // (1024 * 1024)},
            )
        else:
            checked.append((upload, kind))
    return checked
