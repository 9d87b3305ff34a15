"""A building site of 龙山区 with its parties, for the registry's tests.

福民小区 (code LY-001) started on 10 March 2026 with a contract value of 3 million yuan;
its general contractor and a labour subcontractor are parties, two workers are on its
roster. Another contractor's project (东丰路, LY-002) is there to be refused. Time is
frozen at the test world's today, 27 November 2026.
"""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from qingling.parties.demo import fake_id_number
from qingling.parties.models import Organization, Project, ProjectParty
from qingling.parties.services import project_party_add, roster_add
from qingling.testing import BaseTestCase, make_organization, make_project

START = dt.date(2026, 3, 10)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def png(name: str = "board.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "agreement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def csv_bytes(header: str, *rows: str) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def xlsx_bytes(header: list[str], *rows: list[object]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class RegistryWorld(BaseTestCase):
    project: Project
    other: Project
    contractor: Organization
    subcontractor: Organization
    stranger: Organization
    worker_ids: list[str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.contractor = make_organization(cls.rng, name="辽源市鑫盛建筑工程有限公司")
        cls.subcontractor = make_organization(cls.rng, name="辽源市宏达劳务有限公司")
        cls.stranger = make_organization(cls.rng, name="吉林省远方建设集团有限公司")
        cls.project = make_project(
            division=cls.longshan,
            name="福民小区",
            code="LY-001",
            start_date=START,
            contract_value=Decimal(3000000),
        )
        cls.other = make_project(
            division=cls.longshan, name="东丰路", code="LY-002", start_date=START
        )
        gc = project_party_add(
            project=cls.project,
            role=ProjectParty.Role.GENERAL_CONTRACTOR,
            organization=cls.contractor,
            actor=None,
        )
        project_party_add(
            project=cls.project,
            role=ProjectParty.Role.SUBCONTRACTOR,
            organization=cls.subcontractor,
            engaged_by=gc,
            actor=None,
        )
        project_party_add(
            project=cls.other,
            role=ProjectParty.Role.GENERAL_CONTRACTOR,
            organization=cls.stranger,
            actor=None,
        )
        cls.worker_ids = [fake_id_number(cls.rng) for _ in range(4)]
        for number, name in zip(cls.worker_ids[:2], ("王建国", "李春生"), strict=True):
            roster_add(
                project=cls.project, name=name, id_number=number, joined_on=START, actor=None
            )
