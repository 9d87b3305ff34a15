"""Walk every URL pattern of the portal and read what each answer says, also inside its
downloads (a DOCX or XLSX is a ZIP of XML parts; a PDF's text is read with pypdf)."""

import io
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, reverse

from qingling.portal import urls as portal_urls


def portal_patterns() -> list[URLPattern]:
    return [p for p in portal_urls.urlpatterns if isinstance(p, URLPattern)]


def pattern_paths(pattern: URLPattern, values: dict[str, list[Any]]) -> Iterator[str]:
    """Every path of ``pattern`` with its converters filled from ``values`` (each
    argument may take several values: ``fmt`` docx and pdf)."""
    names = list(pattern.pattern.converters)
    combos: list[dict[str, Any]] = [{}]
    for name in names:
        options = values.get(f"{pattern.name}:{name}") or values[name]
        combos = [combo | {name: option} for combo in combos for option in options]
    for combo in combos:
        yield reverse(f"portal:{pattern.name}", kwargs=combo)


def readable_text(content: bytes) -> str:
    """The body as text, and for a ZIP (DOCX, XLSX) every part, and for a PDF its text."""
    parts = [content.decode("utf-8", errors="ignore")]
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts.extend(
                archive.read(name).decode("utf-8", errors="ignore") for name in archive.namelist()
            )
    if content[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        parts.extend(page.extract_text() or "" for page in reader.pages)
    return "\n".join(parts)


def response_bytes(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def any_uuid() -> uuid.UUID:
    return uuid.uuid4()
