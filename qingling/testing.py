"""The one world every test starts from: the bureau's units and its personas.

Personas (password ``secret`` for all):
* ``intake``    intake officer, city-wide (辽源市 220400)
* ``inspector`` labour inspector in 龙山区 (220402)
* ``inspector2`` a second labour inspector in 龙山区, for the two-inspector rule
* ``xian``      labour inspector in 西安区 (220403): must not see 龙山区 projects
* ``chief``     section chief, city-wide
* ``director``  director, city-wide
* ``employment`` employment officer, city-wide
* ``admin``     administrator, city-wide
* ``outsider``  a signed-in account with no role and no unit: sees nothing
"""

import datetime as dt
import random
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.test import TestCase, override_settings

from qingling.accounts.models import OrgUnit, Role, User
from qingling.accounts.services import org_unit_create, staff_create
from qingling.core.models import Division
from qingling.parties.demo import fake_credit_code, fake_id_number, fake_mobile
from qingling.parties.models import Organization, Person, Project
from qingling.parties.services import organization_register, person_register, project_register

if TYPE_CHECKING:
    from qingling.cases.models import Case
    from qingling.intake.models import Complaint

PASSWORD = "secret"
CURRENT_TIME = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


class BaseTestCase(TestCase):
    intake: User
    inspector: User
    inspector2: User
    xian: User
    chief: User
    director: User
    employment: User
    admin: User
    outsider: User
    city_unit: OrgUnit
    rng: random.Random
    city: Division
    longshan: Division
    xian_division: Division
    _media: str
    _media_override: Any

    @classmethod
    def setUpClass(cls) -> None:
        # Files (documents, proofs of service, evidence) go to a folder of the class's own,
        # removed after it, never to the working copy's var/uploads.
        cls._media = tempfile.mkdtemp(prefix="qingling-test-media-")
        cls._media_override = override_settings(
            MEDIA_ROOT=cls._media, QINGLING_MONITORING_DIR=Path(cls._media) / "monitoring"
        )
        cls._media_override.enable()
        try:
            super().setUpClass()
        except Exception:
            cls._media_override.disable()
            shutil.rmtree(cls._media, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        try:
            super().tearDownClass()
        finally:
            cls._media_override.disable()
            shutil.rmtree(cls._media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        cls.rng = random.Random(7)
        cls.city = Division.objects.get(code="220400")
        cls.longshan = Division.objects.get(code="220402")
        cls.xian_division = Division.objects.get(code="220403")
        cls.city_unit = org_unit_create(name="监察支队", division=cls.city, actor=None)
        longshan_unit = org_unit_create(name="龙山区大队", division=cls.longshan, actor=None)
        xian_unit = org_unit_create(name="西安区大队", division=cls.xian_division, actor=None)
        for username, role, unit in (
            ("intake", Role.INTAKE_OFFICER, cls.city_unit),
            ("inspector", Role.INSPECTOR, longshan_unit),
            ("inspector2", Role.INSPECTOR, longshan_unit),
            ("xian", Role.INSPECTOR, xian_unit),
            ("chief", Role.SECTION_CHIEF, cls.city_unit),
            ("director", Role.DIRECTOR, cls.city_unit),
            ("employment", Role.EMPLOYMENT_OFFICER, cls.city_unit),
            ("admin", Role.ADMINISTRATOR, cls.city_unit),
            ("outsider", "", None),
        ):
            setattr(
                cls,
                username,
                staff_create(
                    username=username,
                    full_name=username,
                    role=role,
                    org_unit=unit,
                    password=PASSWORD,
                    actor=None,
                    # documents name their inspectors with the 执法证号
                    enforcement_card_number=f"22040200{len(username):02d}{username[:2].upper()}"
                    if role == Role.INSPECTOR
                    else "",
                ),
            )

    def login(self, user: User) -> None:
        self.client.force_login(user)


def make_person(
    rng: random.Random, *, name: str = "张三", phone: bool = True, actor: User | None = None
) -> Person:
    return person_register(
        name=name,
        id_number=fake_id_number(rng),
        phone=fake_mobile(rng) if phone else "",
        actor=actor,
    )


def make_organization(
    rng: random.Random,
    *,
    name: str = "辽源市鑫盛建筑工程有限公司",
    division: Division | None = None,
    actor: User | None = None,
) -> Organization:
    return organization_register(
        name=name, credit_code=fake_credit_code(rng), division=division, actor=actor
    )


def make_project(
    *, division: Division, name: str = "龙山区福民小区", actor: User | None = None, **kwargs: object
) -> Project:
    return project_register(name=name, division=division, actor=actor, **kwargs)  # type: ignore[arg-type]


def make_accepted_complaint(
    *,
    division_code: str = "220402",
    name: str = "王建国",
    phone: str = "13843712345",
    employer_name: str = "辽源市鑫盛建筑工程有限公司",
    amount: str = "10000.00",
    actor: User | None = None,
) -> "Complaint":
    """A complaint registered at the walk-in desk (by ``actor``, or as a system) and
    accepted by ``actor`` or else the ``intake`` persona."""
    from decimal import Decimal

    from qingling.intake.channels.base import ComplaintDraft
    from qingling.intake.services import complaint_accept, complaint_register

    complaint = complaint_register(
        draft=ComplaintDraft(
            name=name,
            phone=phone,
            employer_name=employer_name,
            division_code=division_code,
            amount=Decimal(amount),
        ),
        channel="walk_in",
        actor=actor,
    ).complaint
    return complaint_accept(complaint=complaint, actor=actor or User.objects.get(username="intake"))


def make_case(
    test: BaseTestCase, *, amount: str = "10000.00", co_inspector: bool = True, **complaint: object
) -> "Case":
    """A case opened by the chief in 龙山区 with ``inspector`` as lead (and ``inspector2``)."""
    from qingling.cases.services import case_open

    accepted = make_accepted_complaint(amount=amount, **complaint)  # type: ignore[arg-type]
    respondent = make_organization(test.rng, name=accepted.employer_name or "某公司")
    return case_open(
        complaints=[accepted],
        respondent=respondent,
        division=test.longshan,
        lead=test.inspector,
        co_inspectors=[test.inspector2] if co_inspector else [],
        actor=test.chief,
    )


def xlsx_crafted(rows: int, *, dimension: bool = True, header: str = "name") -> bytes:
    """A workbook written by hand, as an attacker would: one column, ``rows`` data rows
    under a header, and (when ``dimension``) the sheet declaring them. 100,000 rows pack
    into 8 KB; nothing here goes through openpyxl's writer, so it is quick."""
    import io
    import zipfile

    def part(name: str) -> str:
        return f"http://schemas.openxmlformats.org/{name}"

    sheet = io.StringIO()
    sheet.write(f'<worksheet xmlns="{part("spreadsheetml/2006/main")}">')
    if dimension:
        sheet.write(f'<dimension ref="A1:A{rows + 1}"/>')
    sheet.write(f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{header}</t></is></c></row>')
    for _line in range(rows):
        sheet.write("<row><c><v>1</v></c></row>")
    sheet.write("</sheetData></worksheet>")
    relationships = part("officeDocument/2006/relationships")
    files = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{relationships}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{part("spreadsheetml/2006/main")}" xmlns:r="{relationships}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{relationships}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet.getvalue(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()
