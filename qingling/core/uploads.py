"""What an uploaded evidence file is, by its first bytes (never by its name or the
browser's word), and whether it may be kept. Used by intake and inspections."""

from typing import Protocol

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
