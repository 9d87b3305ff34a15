import io

import openpyxl
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number
from qingling.portal.tests.world import build_world
from qingling.prevention.models import LabourCostTransfer
from qingling.prevention.registry_services import wage_account_open
from qingling.testing import CURRENT_TIME, BaseTestCase


def roster_xlsx(rows: list[tuple[str, str]], name: str = "花名册.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "工种"])
    for worker, id_number in rows:
        sheet.append([worker, id_number, "木工"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class RosterUploadTests(BaseTestCase):
    def setUp(self) -> None:
        self.world = build_world(self)
        self.client.force_login(self.world.account.user)

    def test_an_employer_uploads_a_roster_and_sees_its_bad_row_by_line(self) -> None:
        good = fake_id_number(self.rng)
        response = self.client.post(
            "/portal/uploads/",
            {
                "kind": "roster",
                "roster-project": str(self.world.project.public_id),
                "roster-file": roster_xlsx([("张大力", good), ("王小二", "12345")]),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.world.project.roster.count(), 1)
        failures = response.context["result"].failures
        self.assertEqual([f.line for f in failures], [3])
        self.assertContains(response, "Line 3")
        self.assertTrue(
            AuditEvent.objects.filter(action="portal.upload", object_id=str(self.world.project.pk))
        )

    def test_another_employers_project_is_not_offered_nor_taken(self) -> None:
        response = self.client.post(
            "/portal/uploads/",
            {
                "kind": "roster",
                "roster-project": str(self.world.other_project.public_id),
                "roster-file": roster_xlsx([("张大力", fake_id_number(self.rng))]),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("project", response.context["kinds"][0][2].errors)
        self.assertEqual(self.world.other_project.roster.count(), 0)

    def test_every_kind_of_file_is_offered(self) -> None:
        response = self.client.get("/portal/uploads/")
        kinds = {kind.key: ready for kind, ready, _form in response.context["kinds"]}
        self.assertEqual(
            kinds, {"roster": True, "attendance": True, "payroll": True, "labour_cost": True}
        )

    def test_labour_cost_goes_to_the_registry_with_its_bad_row_by_line(self) -> None:
        project = self.world.project
        project.code = "LY-PORTAL-01"
        project.save(update_fields=["code"])
        wage_account_open(
            project=project,
            bank="中国工商银行辽源分行",
            number="0712345678901234567",
            opened_on=CURRENT_TIME.date(),
            actor=self.world.account.user,
            organization=self.world.employer,
        )
        csv = (
            "project_code,month,amount,transferred_on\n"
            "LY-PORTAL-01,2026-10,200000.00,2026-11-05\n"
            "LY-PORTAL-01,2026-10,abc,2026-11-05\n"
        )
        response = self.client.post(
            "/portal/uploads/",
            {
                "kind": "labour_cost",
                "labour_cost-project": str(project.public_id),
                "labour_cost-file": SimpleUploadedFile("人工费.csv", csv.encode()),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(LabourCostTransfer.objects.filter(project=project).count(), 1)
        self.assertContains(response, "1 row is refused")
        self.assertContains(response, "Line 3")
        after = AuditEvent.objects.get(action="portal.upload").after or {}
        self.assertEqual((after["kind"], after["failed"]), ("labour_cost", 1))
