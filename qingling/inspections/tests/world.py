"""The inspection tests' world: a 龙山区 project with its general contractor, and helpers."""

import datetime as dt
import struct
import tempfile
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qingling.inspections.checklist import CheckItem, CheckResult
from qingling.inspections.models import Inspection
from qingling.inspections.services import inspection_record
from qingling.parties.models import Organization, Project
from qingling.testing import BaseTestCase, make_organization, make_project


def tiny_png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def photo(name: str = "告示牌.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


def all_ok(**violations: str) -> dict[str, tuple[str, str]]:
    """Every item in order except the ones named, which are violations with that note."""
    checks = dict.fromkeys(CheckItem.values, (CheckResult.OK.value, ""))
    for item, note in violations.items():
        checks[item] = (CheckResult.VIOLATION.value, note)
    return checks


class InspectionWorld(BaseTestCase):
    contractor: Organization
    project: Project

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.contractor = make_organization(cls.rng, name="辽源市鑫盛建筑工程有限公司")
        cls.project = make_project(
            division=cls.longshan, general_contractor=cls.contractor, actor=cls.chief
        )

    def setUp(self) -> None:
        super().setUp()
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        override = override_settings(MEDIA_ROOT=media.name)
        override.enable()
        self.addCleanup(override.disable)

    def record(self, **kwargs: Any) -> Inspection:
        values: dict[str, Any] = {
            "project": self.project,
            "inspectors": [self.inspector, self.inspector2],
            "done_on": dt.date(2026, 11, 26),
            "checks": all_ok(wage_account="没有开设农民工工资专用账户"),
            "actor": self.inspector,
        }
        values.update(kwargs)
        return inspection_record(**values).inspection
